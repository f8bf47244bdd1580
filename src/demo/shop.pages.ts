import { escapeHtml } from '../baofoo/protocol/html.ts';
import { formatYuan } from '../baofoo/protocol/money.ts';
import type { OrderView } from './order-view.service.ts';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}
.status{font-weight:bold}.PAID{color:#15803d}.FAILED,.EXPIRED{color:#b91c1c}.PENDING{color:#a16207}.REVIEW{color:#7c3aed}
nav a{margin-right:1rem}`;

const STATUS_TEXT: Record<string, string> = {
  PENDING: 'waiting for the bank',
  PAID: 'paid',
  FAILED: 'payment failed',
  REVIEW: 'under review',
  EXPIRED: 'expired',
};

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><nav><a href="/">Shop</a><a href="/orders">Orders</a><a href="/health">Health</a></nav><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export interface BankChoice {
  payId: string;
  name: string;
}

export function productPage(banks: readonly BankChoice[]): string {
  const options = banks.map((b) => `<option value="${escapeHtml(b.payId)}">${escapeHtml(b.payId)} ${escapeHtml(b.name)}</option>`).join('');
  return layout(
    'Demo shop',
    `<p>A cup of tea, at the price you like.</p>
<form method="post" action="/checkout" id="checkout">
<p><label>Amount (fen) <input name="orderMoney" type="number" min="1" step="1" value="1000" required></label></p>
<p><label>Pay with <select name="payId"><option value="">the gateway's cashier (choose there)</option>${options}</select></label></p>
<p><button type="submit">Checkout</button></p>
</form>`,
  );
}

function statusLine(order: OrderView, id = true): string {
  return `<p>Status: <span${id ? ' id="status"' : ''} class="status ${escapeHtml(order.status)}" data-status="${escapeHtml(order.status)}">${escapeHtml(STATUS_TEXT[order.status] ?? order.status)}</span></p>`;
}

function details(order: OrderView): string {
  const ledger = order.ledger.length
    ? `<table><tr><th>received</th><th>via</th><th>verdict</th><th>change</th><th>answer</th><th>from</th></tr>${order.ledger
        .map(
          (l) =>
            `<tr class="ledger-entry"><td>${escapeHtml(l.receivedAt)}</td><td>${escapeHtml(l.method)}</td><td>${escapeHtml(l.verdict)}${l.reasonCode ? ` (${escapeHtml(l.reasonCode)})` : ''}</td><td>${escapeHtml(`${l.fromStatus ?? '-'} → ${l.toStatus ?? '-'}`)}</td><td>${l.httpStatus}</td><td>${escapeHtml(l.sourceIp)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>Nothing heard from the gateway yet.</p>';
  const events = order.events.length
    ? `<ul>${order.events.map((e) => `<li class="event">${escapeHtml(e.type)} <small>${escapeHtml(e.eventId)}${e.delivered ? '' : ' (not delivered yet)'}</small></li>`).join('')}</ul>`
    : '<p>No event yet.</p>';
  const f = order.fulfilment;
  const fulfilment = !f
    ? '<p id="fulfilment" data-fulfilled="false">Not shipped.</p>'
    : f.heldReason
      ? `<p id="fulfilment" data-fulfilled="false" data-held="true">Held for follow-up, not shipped: ${escapeHtml(f.heldReason)}.</p>`
      : `<p id="fulfilment" data-fulfilled="true">Shipped at ${escapeHtml(f.fulfilledAt)}.</p>`;
  return `<h3>Gateway ledger (notifications and queries)</h3>${ledger}<h3>Events</h3>${events}<h3>Fulfilment</h3>${fulfilment}`;
}

/**
 * The order as the database knows it. The browser usually comes back before
 * the notification: a few lines of script re-render the page while it is PENDING.
 */
export function orderPage(order: OrderView): string {
  const live = order.status === 'PENDING' || (order.status === 'PAID' && !order.fulfilment);
  const script = live
    ? `<script>setTimeout(function(){location.reload()},1000)</script>`
    : '';
  return layout(
    `Order ${order.transId}`,
    `<div id="order" data-trans-id="${escapeHtml(order.transId)}">${statusLine(order)}
<p>Amount: ${escapeHtml(formatYuan(order.orderMoney))} yuan${order.factMoney !== null ? `, paid ${escapeHtml(formatYuan(order.factMoney))} yuan` : ''}${order.payId ? `, PayID ${escapeHtml(order.payId)}` : ''}${order.settledBy ? `, settled by ${escapeHtml(order.settledBy)}` : ''}</p>
${details(order)}</div>${script}`,
  );
}

export function ordersPage(orders: readonly OrderView[]): string {
  const body = orders.length
    ? orders
        .map(
          (o) =>
            `<section class="order" data-trans-id="${escapeHtml(o.transId)}"><h2><a href="/orders/${encodeURIComponent(o.transId)}">${escapeHtml(o.transId)}</a> — ${escapeHtml(formatYuan(o.orderMoney))} yuan</h2>${statusLine(o, false)}${details(o)}</section>`,
        )
        .join('')
    : '<p>No orders yet. <a href="/">Buy something.</a></p>';
  return layout('Orders', body);
}

export function notFoundPage(transId: string): string {
  return layout('No such order', `<p>There is no order ${escapeHtml(transId)}.</p>`);
}
