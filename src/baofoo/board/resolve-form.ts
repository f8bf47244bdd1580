import { amountHint } from './amount-check.ts';
import { html, type SafeHtml } from './board-html.ts';
import type { BoardPageContext } from './board-layout.ts';

/** The order fields the resolve form needs (a REVIEW queue item or a story's order). */
export interface ResolvableOrder {
  transId: string;
  memberId: string;
  orderMoney: string;
  factMoney: string | null;
}

export function resolveForm(ctx: BoardPageContext, r: ResolvableOrder): SafeHtml {
  const by = !ctx.operatorKnown && html`<input name="by" placeholder="your name" required maxlength="64" aria-label="resolved by">`;
  const hint = amountHint({ orderMoney: Number(r.orderMoney), factMoney: r.factMoney === null ? null : Number(r.factMoney) });
  return html`<form class="inline resolve" method="post" action="${ctx.base}/review/resolve">
    <input type="hidden" name="transId" value="${r.transId}"><input type="hidden" name="memberId" value="${r.memberId}">
    <select name="outcome" aria-label="outcome"><option value="PAID">paid</option><option value="FAILED">failed</option></select>
    <input name="paidMoney" type="number" min="1" step="1" value="${r.factMoney ?? r.orderMoney}" aria-label="fen paid" style="width:90px">
    <label><input type="checkbox" name="confirmAmount" value="yes">confirm amount</label><small class="warn amount-hint">${hint}</small>
    ${by}<input name="why" placeholder="why (ticket, statement line)" required maxlength="500" aria-label="why">
    <button type="submit">Resolve</button></form>`;
}
