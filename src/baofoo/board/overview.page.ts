import type { DeadLetter } from '../events/dead-letter-replay.ts';
import { html, raw } from './board-html.ts';
import { layout, orderHref, table, time, type BoardPageContext } from './board-layout.ts';
import type { BridgeBacklog, MismatchItem, ReconciliationBacklog, ReviewItem } from './board.reader.ts';
import { resolveForm } from './resolve-form.ts';

export interface Overview {
  /** The status chart's SVG, drawn by `statusChart` from numbers and day names only. */
  chart: string;
  review: ReviewItem[];
  mismatches: MismatchItem[];
  deadLetters: DeadLetter[];
  backlog: ReconciliationBacklog;
  /** Null (or absent) when no RabbitMQ bridge is registered. */
  bridge?: BridgeBacklog | null;
}

export function overviewPage(ctx: BoardPageContext, o: Overview): string {
  const review = o.review.map(
    (r) => html`<tr class="review-order" data-trans-id="${r.transId}"><td><a href="${orderHref(ctx, r.transId)}">${r.transId}</a><br><small>${r.memberId}</small></td>
      <td>${r.productName}</td><td>${r.orderMoney}</td><td>${r.factMoney}</td><td>${r.reviewReason}</td><td>${time(ctx, r.updatedAt)}</td><td>${resolveForm(ctx, r)}</td></tr>`,
  );
  const dead = o.deadLetters.map(
    (d) => html`<tr class="dead-letter" data-event-id="${d.eventId}"><td><code>${d.eventId}</code><br>${d.type}</td><td>${d.listener}</td><td>${d.attempts}</td>
      <td>${time(ctx, d.deadAt)}</td><td>${(d.lastError ?? '').split('\n', 1)[0].slice(0, 200)}</td>
      <td><form method="post" action="${ctx.base}/dead-letters/replay"><input type="hidden" name="eventId" value="${d.eventId}"><input type="hidden" name="listener" value="${d.listener}"><button type="submit">Replay</button></form></td></tr>`,
  );
  const mismatches = o.mismatches.map(
    (m) => html`<tr class="mismatch"><td>${time(ctx, m.receivedAt)}</td><td>${m.transId && html`<a href="${orderHref(ctx, m.transId)}">${m.transId}</a>`}</td><td>${m.toStatus}</td><td>${m.checkResult}</td><td>${m.reason}</td></tr>`,
  );
  const b = o.backlog;
  const overdue = b.overdue.map((p) => html`<tr><td><a href="${orderHref(ctx, p.transId)}">${p.transId}</a></td><td>${time(ctx, p.nextQueryAt)}</td><td>${p.queryAttempts}</td><td>${p.lastCheckResult}</td></tr>`);
  return layout(
    ctx,
    'Baofoo operations',
    html`<section id="chart"><h2>Orders by status, by day created (last 14 days)</h2>${raw(o.chart)}</section>
<section id="review"><h2>REVIEW queue (${o.review.length})</h2>${table(['TransID', 'Product', 'Ordered (fen)', 'Paid (fen)', 'Why in review', 'Since', 'Resolve'], review, 'No order awaits a decision.', 'review-table')}</section>
<section id="dead-letters"><h2>Dead letters (${o.deadLetters.length})</h2>${table(['Event', 'Listener', 'Attempts', 'Dead since', 'Last error', ''], dead, 'No listener has given up on an event.', 'dead-letter-table')}</section>
<section id="mismatches"><h2>Reconciliation mismatches (latest ${o.mismatches.length})</h2>${table(['When', 'TransID', 'Order status', 'Gateway said', 'Why'], mismatches, 'No order query has contradicted a settled order.', 'mismatch-table')}</section>
<section id="backlog"><h2>Reconciliation backlog</h2><div class="stats"><div><b id="pending-count">${b.pending}</b>PENDING orders</div><div><b id="due-count">${b.due}</b>due for a query now</div><div><b>${b.oldestDueAt ? time(ctx, b.oldestDueAt) : '—'}</b>oldest due since</div></div>
${table(['TransID', 'Due since', 'Queries so far', 'Last answer'], overdue, 'Nothing is waiting for a query.', 'overdue-table')}</section>
${o.bridge ? html`<section id="bridge"><h2>RabbitMQ bridge</h2><div class="stats"><div><b id="bridge-waiting">${o.bridge.waiting}</b>events not yet confirmed by the broker</div><div><b id="bridge-oldest">${Math.round(o.bridge.oldestSeconds)} s</b>oldest waiting</div></div></section>` : ''}`,
  );
}
