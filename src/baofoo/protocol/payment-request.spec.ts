import {
  buildPaymentForm,
  INTERFACE_VERSION,
  KEY_TYPE_MD5,
  NOTICE_TYPE,
  paymentRequestViolations,
  renderAutoSubmitForm,
  type PaymentRequestInput,
  type Violation,
} from './payment-request.ts';
import { PRODUCTS } from './products.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';
import { md5 } from '../../../test/support/independent-md5.ts';


const KEY = 'abcdefg';
/** The signature of VALID, computed over the spec's string. */
const VALID_SIGNATURE = md5('100000178|3002|20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg');
const ACTION = 'https://vgw.baofoo.com/payindex';

const VALID: PaymentRequestInput = {
  memberId: '100000178',
  terminalId: '10000001',
  payId: '3002',
  tradeDate: '20141029184503',
  transId: '20141029184503AB12CD',
  orderMoney: 1,
  productName: '测试商品',
  amount: 1,
  username: '张三',
  additionalInfo: 'order-42',
  pageUrl: 'https://shop.example/baofoo/page',
  returnUrl: 'https://shop.example/baofoo/notify',
};


/** The fields named by the violations of a refused request. */
function refusedFields(input: PaymentRequestInput): string[] {
  const error = protocolErrorOf(() => buildPaymentForm(input, KEY, ACTION));
  expect(error.code).toBe('PAYMENT_REQUEST_INVALID');
  return (error.evidence.violations as Violation[]).map((v) => v.field);
}

/** Reads the hidden inputs back out of the rendered page, undoing the HTML escaping. */
function hiddenInputs(html: string): Record<string, string> {
  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescape(m[1])] = unescape(m[2]);
  return out;
}

describe('buildPaymentForm', () => {
  it('renders every documented field in the documented order with the fixed values', () => {
    const form = buildPaymentForm(VALID, KEY, ACTION);
    expect(form.action).toBe(ACTION);
    expect(form.fields).toEqual({
      MemberID: '100000178',
      TerminalID: '10000001',
      InterfaceVersion: '4.0',
      KeyType: '1',
      PayID: '3002',
      TradeDate: '20141029184503',
      TransID: '20141029184503AB12CD',
      OrderMoney: '1',
      ProductName: '测试商品',
      Amount: '1',
      Username: '张三',
      AdditionalInfo: 'order-42',
      NoticeType: '1',
      PageUrl: 'https://shop.example/baofoo/page',
      ReturnUrl: 'https://shop.example/baofoo/notify',
      Signature: VALID_SIGNATURE,
    });
    expect(Object.keys(form.fields)).toEqual([
      'MemberID',
      'TerminalID',
      'InterfaceVersion',
      'KeyType',
      'PayID',
      'TradeDate',
      'TransID',
      'OrderMoney',
      'ProductName',
      'Amount',
      'Username',
      'AdditionalInfo',
      'NoticeType',
      'PageUrl',
      'ReturnUrl',
      'Signature',
    ]);
  });

  it('exports the fixed protocol values the spec names', () => {
    expect([INTERFACE_VERSION, KEY_TYPE_MD5, NOTICE_TYPE]).toEqual(['4.0', '1', '1']);
  });

  it('signs the amount in fen as a plain integer', () => {
    const form = buildPaymentForm({ ...VALID, orderMoney: 123456 }, KEY, ACTION);
    expect(form.fields.OrderMoney).toBe('123456');
    expect(form.fields.Signature).toBe(
      md5('100000178|3002|20141029184503|20141029184503AB12CD|123456|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg'),
    );
  });

  it('keeps the empty slot of an empty PayID in the signature', () => {
    const form = buildPaymentForm({ ...VALID, payId: '' }, KEY, ACTION);
    expect(form.fields.PayID).toBe('');
    expect(form.fields.Signature).toBe(
      md5('100000178||20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg'),
    );
  });

  it('sends empty optional fields and a quantity of 1 when they are not given', () => {
    const { productName: _p, amount: _a, username: _u, additionalInfo: _i, ...required } = VALID;
    const form = buildPaymentForm(required, KEY, ACTION);
    expect(form.fields.ProductName).toBe('');
    expect(form.fields.Amount).toBe('1');
    expect(form.fields.Username).toBe('');
    expect(form.fields.AdditionalInfo).toBe('');
    expect(form.fields.Signature).toBe(VALID_SIGNATURE);
  });

  it('does not sign TerminalID, ProductName, Amount, Username or AdditionalInfo', () => {
    const other = buildPaymentForm({ ...VALID, terminalId: '99', productName: 'x', amount: 7, username: 'y', additionalInfo: 'z' }, KEY, ACTION);
    expect(other.fields.Signature).toBe(VALID_SIGNATURE);
  });

  it('signs the GBK bytes in the gbk charset', () => {
    const input = { ...VALID, pageUrl: 'https://shop.example/支付/page', returnUrl: 'https://shop.example/支付/notify' };
    const written = '100000178|3002|20141029184503|20141029184503AB12CD|1|https://shop.example/支付/page|https://shop.example/支付/notify|1|abcdefg';
    expect(buildPaymentForm(input, KEY, ACTION, 'gbk').fields.Signature).toBe(md5(written, 'gbk'));
    expect(buildPaymentForm(input, KEY, ACTION, 'utf-8').fields.Signature).toBe(md5(written));
    expect(md5(written, 'gbk')).not.toBe(md5(written));
  });

  it('renders a page whose form posts every field to the action', () => {
    const form = buildPaymentForm(VALID, KEY, ACTION);
    expect(form.html).toContain(`<form id="baofoo-pay" method="post" action="${ACTION}" accept-charset="utf-8">`);
    expect(form.html).toContain("document.getElementById('baofoo-pay').submit()");
    expect(hiddenInputs(form.html)).toEqual(form.fields);
  });

  it('declares the merchant charset as the accept-charset of the form', () => {
    expect(buildPaymentForm(VALID, KEY, ACTION, 'gbk').html).toContain('accept-charset="gbk"');
  });

  it('escapes HTML in every value so that a value cannot break out of its attribute', () => {
    const hostile = '"><script>alert(1)</script>';
    const form = buildPaymentForm({ ...VALID, productName: hostile, username: "it's <b>me</b> & co", additionalInfo: hostile }, KEY, ACTION);
    expect(form.html).not.toContain(hostile);
    expect(form.html).not.toContain('<script>alert(1)');
    expect(form.html).not.toContain('<b>');
    expect(form.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(form.html).toContain('value="it&#39;s &lt;b&gt;me&lt;/b&gt; &amp; co"');
    expect(form.html.match(/<script>/g)).toHaveLength(1);
    expect(hiddenInputs(form.html).ProductName).toBe(hostile);
  });

  it('escapes the action', () => {
    const form = buildPaymentForm(VALID, KEY, 'https://vgw.baofoo.com/payindex?a=1&b="2"');
    expect(form.html).toContain('action="https://vgw.baofoo.com/payindex?a=1&amp;b=&quot;2&quot;"');
  });

  it.each(['20141029AB', '2014102918450312345A', 'abcdefgh', '12345678'])('accepts the TransID %s of 8 to 20 letters and digits', (transId) => {
    expect(buildPaymentForm({ ...VALID, transId }, KEY, ACTION).fields.TransID).toBe(transId);
  });

  it.each(['', '1234567', '2014102918450312345AB', 'ABC-1234', 'ABCD 1234', '订单12345678', 'ABCD1234\n', 'ABCD_1234'])('refuses the TransID %p', (transId) => {
    expect(refusedFields({ ...VALID, transId })).toEqual(['TransID']);
  });

  it.each([0, -1, 1.5, 0.01, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the OrderMoney %p, which is not a positive whole number of fen', (orderMoney) => {
    expect(refusedFields({ ...VALID, orderMoney })).toEqual(['OrderMoney']);
  });

  it('refuses an OrderMoney given as text', () => {
    expect(refusedFields({ ...VALID, orderMoney: '100' as unknown as number })).toEqual(['OrderMoney']);
  });

  it.each(['', '2014102918450', '201410291845031', '2014-10-29 18:45', '20140230184503', '20141329184503', '20141029244503', '20141029186003', '20141029184560'])(
    'refuses the TradeDate %p',
    (tradeDate) => {
      expect(refusedFields({ ...VALID, tradeDate })).toEqual(['TradeDate']);
    },
  );

  it('accepts a TradeDate on a leap day', () => {
    expect(buildPaymentForm({ ...VALID, tradeDate: '20160229235959' }, KEY, ACTION).fields.TradeDate).toBe('20160229235959');
  });

  it.each<[keyof PaymentRequestInput, string, number]>([
    ['productName', 'ProductName', 64],
    ['username', 'Username', 64],
    ['additionalInfo', 'AdditionalInfo', 128],
  ])('accepts %s up to its limit and refuses one character more', (key, field, limit) => {
    expect(paymentRequestViolations({ ...VALID, [key]: 'x'.repeat(limit) })).toEqual([]);
    expect(paymentRequestViolations({ ...VALID, [key]: '中'.repeat(limit) })).toEqual([]);
    expect(refusedFields({ ...VALID, [key]: 'x'.repeat(limit + 1) })).toEqual([field]);
    expect(refusedFields({ ...VALID, [key]: '中'.repeat(limit + 1) })).toEqual([field]);
  });

  it.each<[keyof PaymentRequestInput, string]>([
    ['productName', 'ProductName'],
    ['username', 'Username'],
    ['additionalInfo', 'AdditionalInfo'],
  ])('refuses control characters in %s', (key, field) => {
    expect(refusedFields({ ...VALID, [key]: 'line\nbreak' })).toEqual([field]);
    expect(refusedFields({ ...VALID, [key]: 'nul\u0000' })).toEqual([field]);
  });

  it('accepts every PayID of the catalog and the empty PayID of the cashier', () => {
    for (const product of PRODUCTS) expect(paymentRequestViolations({ ...VALID, payId: product.payId })).toEqual([]);
    expect(paymentRequestViolations({ ...VALID, payId: '' })).toEqual([]);
  });

  it.each(['9999', '3003 ', ' 3003', 'ICBC', '3000', '104', '3080002', 'undefined'])('refuses the PayID %p, which is not in the catalog', (payId) => {
    expect(refusedFields({ ...VALID, payId })).toEqual(['PayID']);
  });

  it('refuses a missing PayID', () => {
    expect(refusedFields({ ...VALID, payId: undefined as unknown as string })).toEqual(['PayID']);
  });

  it('refuses a PageUrl equal to the ReturnUrl', () => {
    expect(refusedFields({ ...VALID, pageUrl: VALID.returnUrl })).toEqual(['PageUrl']);
  });

  it.each([
    ['a different case of scheme and host', 'HTTPS://SHOP.EXAMPLE/baofoo/notify'],
    ['the default port spelled out', 'https://shop.example:443/baofoo/notify'],
    ['a fragment added', 'https://shop.example/baofoo/notify#page'],
    ['a dot segment', 'https://shop.example/baofoo/./notify'],
  ])('refuses a PageUrl that is the ReturnUrl with %s', (_label, pageUrl) => {
    expect(refusedFields({ ...VALID, pageUrl })).toEqual(['PageUrl']);
  });

  it.each([
    ['a query added, which routing ignores', `${VALID.returnUrl}?page=1`],
    ['another case of the path, which Express routes alike', 'https://shop.example/BAOFOO/Notify'],
    ['a trailing slash, which Express routes alike', `${VALID.returnUrl}/`],
  ])('refuses a PageUrl that reaches the ReturnUrl\'s route with %s', (_label, pageUrl) => {
    expect(refusedFields({ ...VALID, pageUrl })).toEqual(['PageUrl']);
  });

  it.each([
    ['a line break', 'https://shop.example/baofoo/pa\nge'],
    ['a tab', 'https://shop.example/baofoo/\tpage'],
    ['a space', 'https://shop.example/baofoo/my page'],
    ['a leading space', ' https://shop.example/baofoo/page'],
  ])('refuses a PageUrl with %s, which new URL would drop or escape while the signed string keeps it', (_label, pageUrl) => {
    expect(refusedFields({ ...VALID, pageUrl })).toEqual(['PageUrl']);
  });

  it('counts lengths in characters as the gateway does: 64 emoji fit a product name, 65 do not', () => {
    expect(paymentRequestViolations({ ...VALID, productName: '😀'.repeat(64), username: '𠀀'.repeat(64), additionalInfo: '😀'.repeat(128) })).toEqual([]);
    expect(refusedFields({ ...VALID, productName: '😀'.repeat(65), username: '𠀀'.repeat(65), additionalInfo: '宝'.repeat(129) }).sort()).toEqual(['AdditionalInfo', 'ProductName', 'Username']);
  });

  it('accepts a PageUrl of 1024 characters and refuses one of 1025, the longest its column holds', () => {
    const base = 'https://shop.example/paid/';
    expect(paymentRequestViolations({ ...VALID, pageUrl: base + 'x'.repeat(1024 - base.length) })).toEqual([]);
    expect(refusedFields({ ...VALID, pageUrl: base + 'x'.repeat(1025 - base.length) })).toEqual(['PageUrl']);
  });

  it('accepts a ReturnUrl of 255 characters and refuses one of 256', () => {
    const base = 'https://shop.example/notify/';
    expect(paymentRequestViolations({ ...VALID, returnUrl: base + 'x'.repeat(255 - base.length) })).toEqual([]);
    expect(refusedFields({ ...VALID, returnUrl: base + 'x'.repeat(256 - base.length) })).toEqual(['ReturnUrl']);
  });

  it.each(['', '/baofoo/notify', 'shop.example/baofoo/notify', 'ftp://shop.example/notify', 'javascript:alert(1)', 'data:text/html,hi', 'mailto:a@shop.example', 'http://', 'not a url'])(
    'refuses the ReturnUrl %p, which is not an absolute http(s) URL',
    (returnUrl) => {
      expect(refusedFields({ ...VALID, returnUrl })).toEqual(['ReturnUrl']);
    },
  );

  it.each(['', '/baofoo/page', 'ftp://shop.example/page', 'javascript:alert(1)', 'https//shop.example/page'])('refuses the PageUrl %p, which is not an absolute http(s) URL', (pageUrl) => {
    expect(refusedFields({ ...VALID, pageUrl })).toEqual(['PageUrl']);
  });

  it('accepts plain http URLs and URLs with ports and queries', () => {
    expect(paymentRequestViolations({ ...VALID, pageUrl: 'http://shop.example:8080/page?x=1', returnUrl: 'http://10.0.0.1/notify' })).toEqual([]);
  });

  it.each(['', '10000017a', ' 100000178'])('refuses the MemberID %p', (memberId) => {
    expect(refusedFields({ ...VALID, memberId })).toEqual(['MemberID']);
  });

  it.each(['', 'T1', '1000 0001'])('refuses the TerminalID %p', (terminalId) => {
    expect(refusedFields({ ...VALID, terminalId })).toEqual(['TerminalID']);
  });

  it.each([0, -1, 1.5])('refuses the quantity %p', (amount) => {
    expect(refusedFields({ ...VALID, amount })).toEqual(['Amount']);
  });

  it('lists every violation at once, each naming its field', () => {
    const error = protocolErrorOf(() =>
      buildPaymentForm({ ...VALID, transId: 'short', orderMoney: 0, tradeDate: '20140230000000', payId: 'x', additionalInfo: 'x'.repeat(129), pageUrl: VALID.returnUrl }, KEY, ACTION),
    );
    expect(error.code).toBe('PAYMENT_REQUEST_INVALID');
    const fields = (error.evidence.violations as Violation[]).map((v) => v.field).sort();
    expect(fields).toEqual(['AdditionalInfo', 'OrderMoney', 'PageUrl', 'PayID', 'TradeDate', 'TransID']);
    for (const field of fields) expect(error.message).toContain(field);
  });
});

describe('paymentRequestViolations', () => {
  it('finds nothing wrong with a valid request', () => {
    expect(paymentRequestViolations(VALID)).toEqual([]);
  });

  it('describes each violation with a message', () => {
    const [violation] = paymentRequestViolations({ ...VALID, transId: 'short' });
    expect(violation.field).toBe('TransID');
    expect(violation.message).toMatch(/8 to 20/);
  });
});

describe('renderAutoSubmitForm', () => {
  it('escapes names as well as values', () => {
    const html = renderAutoSubmitForm(ACTION, { '"x': '<y>' });
    expect(html).toContain('name="&quot;x" value="&lt;y&gt;"');
    expect(html).not.toContain('<y>');
  });
});
