import type { DeadLetter } from '../events/dead-letter-replay.ts';
import { escapeHtml as h } from '../protocol/html.ts';
import type { MismatchItem, OrderStory, ReconciliationBacklog, ReviewItem } from './board.reader.ts';
import { STATUS_COLOURS } from './status-chart.ts';

const STYLE = `body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:0;color:#1d2530;background:#f6f7f9}
header{background:#1d2530;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center}header a{color:#fff}
main{padding:16px 20px;max-width:1200px}section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h1{font-size:18px;margin:0}h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eef0f3;vertical-align:top}th{color:#5c6670;font-weight:600}
.status{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px}.empty{color:#8a939c}
.notice{padding:8px 12px;border-radius:4px;margin-bottom:12px}.ok{background:#e6f4ea}.error{background:#fdecea}
form.inline{display:flex;gap:4px;flex-wrap:wrap;align-items:center}input,select,button{font:inherit;font-size:13px}code{font-size:12px;word-break:break-all}
.stats{display:flex;gap:24px}.stats div{font-size:13px}.stats b{display:block;font-size:20px}`;

export interface BoardPageContext {
  /** The board's base path, e.g. `/admin`. */
  base: string;
  /** Whether the operator's name comes from the request (then the form does not ask). */
  operatorKnown: boolean;
  notice?: { kind: 'ok' | 'error'; text: string };
}

const status = (s: unknown) => `<span class="status" style="background:${STATUS_COLOURS[String(s)] ?? '#666'}" data-status="${h(String(s))}">${h(String(s))}</span>`;
const time = (t: unknown) => (t ? h(new Date(t as string).toISOString().replace('T', ' ').slice(0, 19)) : '');
const text = (v: unknown) => (v === null || v === undefined ? '' : h(typeof v === 'object' ? JSON.stringify(v) : String(v)));

function layout(ctx: BoardPageContext, title: string, body: string): string {
  const notice = ctx.notice ? `<div class="notice ${ctx.notice.kind}" id="notice">${h(ctx.notice.text)}</div>` : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${h(title)}</title><style>${STYLE}</style></head>
<body><header><h1><a href="${h(ctx.base)}">Baofoo operations</a></h1>
<form class="inline" method="get" action="${h(ctx.base)}/search"><input name="transId" placeholder="TransID" required maxlength="64" aria-label="TransID"><button type="submit">Search</button></form></header>
<main>${notice}${body}</main></body></html>`;
}

function table(headers: string[], rows: string[], empty: string, id: string): string {
  if (rows.length === 0) return `<p class="empty" id="${id}-empty">${h(empty)}</p>`;
  return `<table id="${id}"><thead><tr>${headers.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function resolveForm(ctx: BoardPageContext, r: ReviewItem): string {
  const by = ctx.operatorKnown ? '' : `<input name="by" placeholder="your name" required maxlength="64" aria-label="resolved by">`;
  return `<form class="inline resolve" method="post" action="${h(ctx.base)}/review/resolve">
    <input type="hidden" name="transId" value="${h(r.transId)}"><input type="hidden" name="memberId" value="${h(r.memberId)}">
    <select name="outcome" aria-label="outcome"><option value="PAID">paid</option><option value="FAILED">failed</option></select>
    <input name="paidMoney" type="number" min="1" step="1" value="${h(r.factMoney ?? r.orderMoney)}" aria-label="fen paid" style="width:90px">
    ${by}<input name="why" placeholder="why (ticket, statement line)" required maxlength="500" aria-label="why">
    <button type="submit">Resolve</button></form>`;
}

export interface Overview {
  chart: string;
  review: ReviewItem[];
  mismatches: MismatchItem[];
  deadLetters: DeadLetter[];
  backlog: ReconciliationBacklog;
}

export function overviewPage(ctx: BoardPageContext, o: Overview): string {
  const review = o.review.map(
    (r) => `<tr class="review-order" data-trans-id="${h(r.transId)}"><td><a href="${h(ctx.base)}/orders/${encodeURIComponent(r.transId)}">${h(r.transId)}</a><br><small>${h(r.memberId)}</small></td>
      <td>${h(r.productName)}</td><td>${h(r.orderMoney)}</td><td>${text(r.factMoney)}</td><td>${text(r.reviewReason)}</td><td>${time(r.updatedAt)}</td><td>${resolveForm(ctx, r)}</td></tr>`,
  );
  const dead = o.deadLetters.map(
    (d) => `<tr class="dead-letter" data-event-id="${h(d.eventId)}"><td><code>${h(d.eventId)}</code><br>${h(d.type)}</td><td>${h(d.listener)}</td><td>${d.attempts}</td>
      <td>${time(d.deadAt)}</td><td>${h((d.lastError ?? '').split('\n', 1)[0].slice(0, 200))}</td>
      <td><form method="post" action="${h(ctx.base)}/dead-letters/replay"><input type="hidden" name="eventId" value="${h(d.eventId)}"><input type="hidden" name="listener" value="${h(d.listener)}"><button type="submit">Replay</button></form></td></tr>`,
  );
  const mismatches = o.mismatches.map(
    (m) => `<tr class="mismatch"><td>${time(m.receivedAt)}</td><td>${m.transId ? `<a href="${h(ctx.base)}/orders/${encodeURIComponent(m.transId)}">${h(m.transId)}</a>` : ''}</td><td>${text(m.toStatus)}</td><td>${text(m.checkResult)}</td><td>${text(m.reason)}</td></tr>`,
  );
  const b = o.backlog;
  const overdue = b.overdue.map((p) => `<tr><td><a href="${h(ctx.base)}/orders/${encodeURIComponent(p.transId)}">${h(p.transId)}</a></td><td>${time(p.nextQueryAt)}</td><td>${p.queryAttempts}</td><td>${text(p.lastCheckResult)}</td></tr>`);
  return layout(
    ctx,
    'Baofoo operations',
    `<section id="chart"><h2>Orders by status, by day created (last 14 days)</h2>${o.chart}</section>
<section id="review"><h2>REVIEW queue (${o.review.length})</h2>${table(['TransID', 'Product', 'Ordered (fen)', 'Paid (fen)', 'Why in review', 'Since', 'Resolve'], review, 'No order awaits a decision.', 'review-table')}</section>
<section id="dead-letters"><h2>Dead letters (${o.deadLetters.length})</h2>${table(['Event', 'Listener', 'Attempts', 'Dead since', 'Last error', ''], dead, 'No listener has given up on an event.', 'dead-letter-table')}</section>
<section id="mismatches"><h2>Reconciliation mismatches (latest ${o.mismatches.length})</h2>${table(['When', 'TransID', 'Order status', 'Gateway said', 'Why'], mismatches, 'No order query has contradicted a settled order.', 'mismatch-table')}</section>
<section id="backlog"><h2>Reconciliation backlog</h2><div class="stats"><div><b id="pending-count">${b.pending}</b>PENDING orders</div><div><b id="due-count">${b.due}</b>due for a query now</div><div><b>${b.oldestDueAt ? time(b.oldestDueAt) : '—'}</b>oldest due since</div></div>
${table(['TransID', 'Due since', 'Queries so far', 'Last answer'], overdue, 'Nothing is waiting for a query.', 'overdue-table')}</section>`,
  );
}

function fieldsTable(row: Record<string, unknown>): string {
  return `<table class="order-fields">${Object.entries(row)
    .map(([k, v]) => `<tr><th>${h(k)}</th><td>${k === 'status' ? status(v) : v instanceof Date ? time(v) : text(v)}</td></tr>`)
    .join('')}</table>`;
}

function storySection(ctx: BoardPageContext, s: OrderStory): string {
  const ledger = s.ledger.map(
    (l) => `<tr class="ledger-row" data-method="${text(l.method)}"><td>${time(l.receivedAt)}</td><td>${text(l.method)}${l.archived ? ' (archived)' : ''}</td><td>${text(l.sourceIp)}</td><td>${text(l.verdict)}</td>
      <td>${text(l.reasonCode)}</td><td>${text(l.fromStatus)} → ${text(l.toStatus)}</td><td>${text(l.reason)}</td><td><code>${text(l.fields)}</code></td></tr>`,
  );
  const events = s.events.map((e) => `<tr class="event-row"><td><code>${text(e.eventId)}</code></td><td>${text(e.type)}</td><td>${text(e.source)}</td><td>${time(e.createdAt)}</td><td>${time(e.deliveredAt)}</td><td>${text(e.attempts)}</td></tr>`);
  const deliveries = s.deliveries.map(
    (d) => `<tr class="delivery-row"><td><code>${text(d.eventId)}</code></td><td>${text(d.listener)}</td><td>${text(d.status)}</td><td>${text(d.attempts)}</td><td>${time(d.deliveredAt ?? d.deadAt)}</td><td>${text(d.replays)}</td><td>${text(String(d.lastError ?? '').split('\n', 1)[0])}</td></tr>`,
  );
  const o = s.order;
  const resolve = o.status === 'REVIEW' ? `<h3>Resolve</h3>${resolveForm(ctx, o as unknown as ReviewItem)}` : '';
  return `<section class="story" data-trans-id="${text(o.transId)}" data-member-id="${text(o.memberId)}"><h2>Order ${text(o.transId)} ${status(o.status)}</h2>${fieldsTable(o)}${resolve}
<h3>Ledger (${s.ledger.length})</h3>${table(['Received', 'Method', 'Source', 'Verdict', 'Code', 'Change', 'Reason', 'Fields'], ledger, 'No ledger row.', 'ledger-table')}
<h3>Events (${s.events.length})</h3>${table(['Event id', 'Type', 'Source', 'Written', 'Delivered', 'Relay passes'], events, 'No event.', 'event-table')}
<h3>Deliveries (${s.deliveries.length})</h3>${table(['Event id', 'Listener', 'Status', 'Attempts', 'Delivered / dead', 'Replays', 'Last error'], deliveries, 'No delivery record.', 'delivery-table')}</section>`;
}

export function storyPage(ctx: BoardPageContext, transId: string, stories: readonly OrderStory[]): string {
  const body = stories.length ? stories.map((s) => storySection(ctx, s)).join('') : `<section><p class="empty" id="not-found">No order has TransID ${h(transId)}.</p></section>`;
  return layout(ctx, `Order ${transId}`, body);
}
