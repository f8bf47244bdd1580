import { Inject, Injectable } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooError } from '../protocol/errors.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { decide, priorStates, type NoChange, type SettlementRules, type Transition } from './order-state-machine.ts';
import { PaymentOrderRepository, type OrderRow } from './payment-order.repository.ts';
import { noChangeEvents, settlementLedger, sourceOf, transitionEvents, type Settlement } from './settlement-records.ts';

/** Losing the optimistic race this many times in a row means something is wrong; the news comes again (gateway retry, next query). */
const MAX_RACES = 5;

export class SettlementContentionError extends BaofooError {}

/**
 * What settling one piece of news did:
 * - changed: this call moved the order (`order` as it was before; from the
 *   one-statement fast path, as the statement required it to be, with no id);
 * - unchanged: decide() changed nothing; nothing was written (the caller
 *   records what it needs: a duplicate, an anomaly, a reconciliation mismatch);
 * - unknown: no such order; foreign-terminal: the order belongs to another terminal.
 */
export type SettleResult =
  | { kind: 'changed'; order: OrderRow; decision: Transition }
  | { kind: 'unchanged'; order: OrderRow; decision: NoChange }
  | { kind: 'unknown' }
  | { kind: 'foreign-terminal'; order: OrderRow };

/**
 * The one settling routine of notifications, query answers and operators'
 * hand resolutions alike: read
 * the order → pure decide() → one statement with the conditional UPDATE (id,
 * version, allowed prior states), the ledger row and the events; on a lost
 * race read again. Whoever loses the race (a notification, a query, another
 * instance) sees the settled order and changes nothing, so a payment is
 * settled by exactly one transition with one event.
 */
@Injectable()
export class SettlementService {
  private readonly rules: SettlementRules;

  constructor(
    private readonly orders: PaymentOrderRepository,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    @Inject(BAOFOO_OPTIONS) options: { notification: Pick<ResolvedBaofooOptions['notification'], 'additionalInfoMismatch'> },
  ) {
    this.rules = { additionalInfoMismatch: options.notification.additionalInfoMismatch };
  }

  /** `known`: the order as the caller already read it (a reconciliation claim), saving the first read. */
  async settle(s: Settlement, known?: OrderRow): Promise<SettleResult> {
    const settled = known ? null : await this.settleIfPending(s);
    if (settled) return settled;
    let order = known ?? (await this.orders.findByTransId(s.memberId, s.transId));
    for (let race = 0; race < MAX_RACES; race++) {
      if (!order) return { kind: 'unknown' };
      if (s.terminalId !== null && order.terminalId !== s.terminalId) return { kind: 'foreign-terminal', order };
      const decision = decide(order, s.news, this.rules);
      if (decision.kind === 'none') return { kind: 'unchanged', order, decision };
      const won = await this.orders.transition(
        {
          orderId: order.id,
          expectedVersion: order.version,
          from: priorStates(s.news, decision.to),
          to: decision.to,
          factMoney: decision.factMoney,
          resultDesc: s.resultDesc,
          succTime: s.succTime || null,
          settledBy: sourceOf(s),
          reviewReason: decision.to === 'REVIEW' ? decision.reason : null,
          nextQueryAt: decision.to === 'REVIEW' && decision.factMoney === null ? s.reviewNextQueryAt : null,
        },
        settlementLedger(order, decision, s),
        transitionEvents(order, decision, s, this.clock()),
      );
      if (won) return { kind: 'changed', order, decision };
      order = await this.orders.findByTransId(s.memberId, s.transId);
    }
    throw new SettlementContentionError('SETTLEMENT_CONTENTION', `order ${s.transId} kept changing under ${MAX_RACES} attempts`, { transId: s.transId });
  }

  /** Records news that changed nothing (a duplicate, or an anomaly with its event); the caller decides whether it is worth a row. */
  async recordUnchanged(order: OrderRow, decision: NoChange, s: Settlement): Promise<void> {
    await this.orders.record(settlementLedger(order, decision, s), noChangeEvents(order, decision, s, this.clock()));
  }

  /**
   * The usual notification, a full payment of a PENDING order whose echoed
   * AdditionalInfo matches, settled without reading the order first (one round
   * trip instead of two). Decided on the order as the statement's WHERE
   * requires it to be, so the ledger row and events are the ones the general
   * path would write. Null when the news does not fit it or the order was not
   * PENDING; else the result, with the order as the statement required it to be
   * (no id).
   */
  private async settleIfPending(s: Settlement): Promise<SettleResult | null> {
    const news = s.news;
    if ('giveUp' in news || 'resolve' in news || !news.succeeded || news.paidMoney <= 0 || s.terminalId === null) return null;
    const assumed = this.assumedPending(s);
    const decision = decide(assumed, news, this.rules);
    if (decision.kind !== 'transition' || decision.to !== 'PAID' || decision.reason !== null) return null;
    const settled = await this.orders.settlePending(
      {
        memberId: s.memberId,
        transId: s.transId,
        terminalId: s.terminalId,
        paidMoney: news.paidMoney,
        resultDesc: s.resultDesc,
        succTime: s.succTime || null,
        settledBy: sourceOf(s),
        additionalInfo: news.additionalInfo ?? null,
      },
      settlementLedger(assumed, decision, s),
      // The statement fills in the order id (column and payload) from the row it updated.
      transitionEvents(assumed, decision, s, this.clock()),
    );
    return settled ? { kind: 'changed', order: assumed, decision } : null;
  }

  private assumedPending(s: Settlement): OrderRow {
    const news = s.news as Extract<Settlement['news'], { paidMoney: number }>;
    return {
      id: '',
      memberId: s.memberId,
      terminalId: s.terminalId ?? '',
      transId: s.transId,
      payId: '',
      tradeDate: '',
      orderMoney: news.paidMoney,
      factMoney: null,
      status: 'PENDING',
      version: 0,
      additionalInfo: news.additionalInfo ?? '',
      createdAt: new Date(0),
    };
  }
}
