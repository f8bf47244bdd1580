import { html, type SafeHtml } from './board-html.ts';
import { layout, status, table, time, type BoardPageContext } from './board-layout.ts';
import type { OrderStory } from './board.reader.ts';
import { resolveForm, type ResolvableOrder } from './resolve-form.ts';
import { isUnverifiedNotification } from '../orders/ledger-row-source.ts';
import type { StoredLedgerRow } from '../orders/order-story.reader.ts';

function fieldValue(ctx: BoardPageContext, name: string, value: unknown): unknown {
  if (name === 'status') return status(value);
  if (value instanceof Date) return time(ctx, value);
  // The gateway's yyyyMMddHHmmss, as it sent it: its zone is the protocol's, whatever the board's.
  if (name === 'succTime' && value) return `${String(value)} ${ctx.times.protocolZone}`;
  return value;
}

function fieldsTable(ctx: BoardPageContext, row: Record<string, unknown>): SafeHtml {
  return html`<table class="order-fields">${Object.entries(row).map(([k, v]) => html`<tr><th>${k}</th><td>${fieldValue(ctx, k, v)}</td></tr>`)}</table>`;
}

function ledgerRow(ctx: BoardPageContext, l: StoredLedgerRow): SafeHtml {
  const unverified = isUnverifiedNotification(l);
  const label = unverified && html` <span class="unverified-label" title="Refused before any signature verified: anyone could have sent it.">unverified: not from the gateway as far as anyone knows</span>`;
  return html`<tr class="ledger-row${unverified ? ' unverified' : ''}" data-method="${l.method}" data-verified="${unverified ? 'false' : 'true'}"><td>${time(ctx, l.receivedAt)}</td><td>${l.method}${l.archived ? ' (archived)' : ''}</td><td>${l.sourceIp}</td><td>${l.verdict}${label}</td>
      <td>${l.reasonCode}</td><td>${l.fromStatus} → ${l.toStatus}</td><td>${l.reason}</td><td><code>${l.fields}</code></td></tr>`;
}

function storySection(ctx: BoardPageContext, s: OrderStory): SafeHtml {
  const events = s.events.map((e) => html`<tr class="event-row"><td><code>${e.eventId}</code></td><td>${e.type}</td><td>${e.source}</td><td>${time(ctx, e.createdAt)}</td><td>${time(ctx, e.deliveredAt)}</td><td>${e.attempts}</td></tr>`);
  const deliveries = s.deliveries.map(
    (d) => html`<tr class="delivery-row"><td><code>${d.eventId}</code></td><td>${d.listener}</td><td>${d.status}</td><td>${d.attempts}</td><td>${time(ctx, d.deliveredAt ?? d.deadAt)}</td><td>${d.replays}</td><td>${String(d.lastError ?? '').split('\n', 1)[0]}</td></tr>`,
  );
  const o = s.order;
  const resolve = o.status === 'REVIEW' && html`<h3>Resolve</h3>${resolveForm(ctx, o as unknown as ResolvableOrder)}`;
  return html`<section class="story" data-trans-id="${o.transId}" data-member-id="${o.memberId}"><h2>Order ${o.transId} ${status(o.status)}</h2>${fieldsTable(ctx, o)}${resolve}
<h3>Ledger (${s.ledger.length}${s.ledgerTruncated && ', the newest: older rows left out'})</h3>${table(['Received', 'Method', 'Source', 'Verdict', 'Code', 'Change', 'Reason', 'Fields'], s.ledger.map((l) => ledgerRow(ctx, l)), 'No ledger row.', 'ledger-table')}
<h3>Events (${s.events.length})</h3>${table(['Event id', 'Type', 'Source', 'Written', 'Delivered', 'Relay passes'], events, 'No event.', 'event-table')}
<h3>Deliveries (${s.deliveries.length})</h3>${table(['Event id', 'Listener', 'Status', 'Attempts', 'Delivered / dead', 'Replays', 'Last error'], deliveries, 'No delivery record.', 'delivery-table')}</section>`;
}

export function storyPage(ctx: BoardPageContext, transId: string, stories: readonly OrderStory[]): string {
  const body = stories.length ? html`${stories.map((s) => storySection(ctx, s))}` : html`<section><p class="empty" id="not-found">No order has TransID ${transId}.</p></section>`;
  return layout(ctx, `Order ${transId}`, body);
}
