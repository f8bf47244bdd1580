import { escapeHtml, FAILURE_RESULT_DESCS, findProduct, formatYuan, PRODUCTS, RESULT_DESCRIPTIONS, type Fen } from '../baofoo/protocol/index.ts';
import type { SandboxPayment } from './payment.store.ts';

/** The sandbox's HTML: the cashier, its error page and its end pages. Every value is escaped. */

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2327; }
  h1 { font-size: 1.4rem; } h1 small { font-weight: normal; color: #6b7280; font-size: .9rem; }
  .banner { background: #fff4d6; border: 1px solid #e8c66a; padding: .4rem .8rem; border-radius: 6px; font-size: .9rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
  dt { color: #6b7280; } dd { margin: 0; word-break: break-all; }
  fieldset { border: 1px solid #d1d5db; border-radius: 6px; margin: 1rem 0; }
  .banks { columns: 2; } .banks label { display: block; }
  button { font: inherit; padding: .4rem 1rem; margin-right: .5rem; border-radius: 6px; border: 1px solid #9ca3af; cursor: pointer; }
  button.pay { background: #16a34a; color: white; border-color: #15803d; }
  .error { background: #fde8e8; border: 1px solid #f5a3a3; padding: .6rem 1rem; border-radius: 6px; }
  code { background: #f3f4f6; padding: 0 .2rem; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<p class="banner">Baofoo <strong>sandbox</strong> gateway: no money moves here.</p>
${body}
</body>
</html>
`;
}

function money(fen: Fen): string {
  return `${formatYuan(fen)} yuan (${fen} fen)`;
}

function details(p: SandboxPayment): string {
  const r = p.request;
  const product = findProduct(r.PayID);
  const rows: [string, string][] = [
    ['Merchant', `${r.MemberID} / terminal ${r.TerminalID}`],
    ['Order (TransID)', r.TransID],
    ['Order time', r.TradeDate],
    ['Amount', money(p.orderMoney)],
    ['Product (PayID)', r.PayID === '' ? 'shopper chooses a bank' : `${r.PayID}: ${product?.name ?? ''}`],
  ];
  if (r.ProductName) rows.push(['Goods', r.ProductName]);
  if (r.Username) rows.push(['Shopper', r.Username]);
  if (r.AdditionalInfo) rows.push(['AdditionalInfo', r.AdditionalInfo]);
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function choice(p: SandboxPayment): string {
  const payId = p.request.PayID;
  if (payId === '') {
    const banks = PRODUCTS.filter((x) => x.kind === 'debit' || x.kind === 'credit');
    const items = banks
      .map((b, i) => `<label><input type="radio" name="PayID" value="${escapeHtml(b.payId)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(b.payId)} ${escapeHtml(b.name)}</label>`)
      .join('\n');
    return `<fieldset><legend>Choose your bank</legend><div class="banks">\n${items}\n</div></fieldset>`;
  }
  const product = findProduct(payId);
  if (product?.kind === 'prepaid-card' && product.faceValuesFen) {
    const values = product.faceValuesFen;
    const preferred = values.includes(p.orderMoney) ? p.orderMoney : ([...values].reverse().find((v) => v <= p.orderMoney) ?? values[0]);
    const options = values
      .map((v) => {
        const note = v === p.orderMoney ? 'the order amount' : v < p.orderMoney ? 'below the order amount' : 'above the order amount';
        return `<option value="${v}"${v === preferred ? ' selected' : ''}>${escapeHtml(formatYuan(v))} yuan (${note})</option>`;
      })
      .join('');
    return `<fieldset><legend>${escapeHtml(product.name)}</legend>
<label>Card face value (becomes FactMoney) <select name="FaceValue">${options}</select></label></fieldset>`;
  }
  return `<fieldset><legend>Pay with</legend>${escapeHtml(payId)}: ${escapeHtml(product?.name ?? '')}</fieldset>`;
}

/** Checkbox `fault-{name}` of the cashier page; read by the cashier handler. */
export const FAULT_BOXES: [string, string][] = [
  ['drop', 'drop the server notification'],
  ['duplicates', 'send 3 concurrent copies of each attempt'],
  ['corrupt-signature', 'corrupt Md5Sign'],
  ['extra-bankid', 'add an unsigned BankID field'],
  ['failure-after-success', 'send a failure after the success'],
  ['gbk', 'encode the result in GBK'],
  ['notify-before-browser', 'notify before the browser returns'],
  ['notify-after-browser', 'notify after the browser returns'],
];

export function renderCashierPage(p: SandboxPayment): string {
  const base = `/cashier/${encodeURIComponent(p.token)}`;
  const codes = FAILURE_RESULT_DESCS.map((c) => `<option value="${c}">${c}: ${escapeHtml(RESULT_DESCRIPTIONS[c])}</option>`).join('');
  const faults = FAULT_BOXES.map(([value, label]) => `<label><input type="checkbox" name="fault-${value}" value="on"> ${escapeHtml(label)}</label><br>`).join('\n');
  return layout(
    `Cashier: order ${p.request.TransID}`,
    `<h1>Cashier <small>order ${escapeHtml(p.request.TransID)}</small></h1>
${details(p)}
<form method="post" action="${base}/pay" accept-charset="utf-8">
${choice(p)}
<p><button class="pay" type="submit" formaction="${base}/pay">Pay</button></p>
<fieldset><legend>Or make it fail</legend>
<label>ResultDesc <select name="ResultDesc">${codes}</select></label>
<button type="submit" formaction="${base}/fail">Fail</button></fieldset>
<p><button type="submit" formaction="${base}/abandon">Abandon (close the cashier)</button></p>
<details><summary>Sandbox faults for this payment</summary>
${faults}
</details>
</form>
`,
  );
}

export function renderErrorPage(code: string, message: string, violations: readonly { field: string; message: string }[] = []): string {
  const list = violations.length > 0 ? `<ul>${violations.map((v) => `<li><code>${escapeHtml(v.field)}</code> ${escapeHtml(v.message)}</li>`).join('')}</ul>` : '';
  return layout(
    'Payment request refused',
    `<h1>Payment request refused</h1>
<div class="error"><p><strong>${escapeHtml(code)}</strong>: ${escapeHtml(message)}</p>${list}</div>
`,
  );
}

export function renderNoticePage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>\n`);
}

export function renderIndexPage(url: string, merchants: readonly { memberId: string; terminalId: string }[]): string {
  const list = merchants.map((m) => `<li>MemberID <code>${escapeHtml(m.memberId)}</code>, TerminalID <code>${escapeHtml(m.terminalId)}</code></li>`).join('');
  return layout(
    'Baofoo sandbox gateway',
    `<h1>Baofoo sandbox gateway</h1>
<dl><dt>Payment</dt><dd><code>POST ${escapeHtml(url)}/payindex</code></dd>
<dt>Order query</dt><dd><code>POST ${escapeHtml(url)}/order/query</code></dd>
<dt>Records</dt><dd><a href="/_sandbox/records">/_sandbox/records</a></dd>
<dt>Payments</dt><dd><a href="/_sandbox/payments">/_sandbox/payments</a></dd>
<dt>Faults</dt><dd><a href="/_sandbox/faults">/_sandbox/faults</a></dd></dl>
<p>Merchants:</p><ul>${list}</ul>
`,
  );
}
