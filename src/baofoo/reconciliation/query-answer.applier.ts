import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { allowedFrom, decide } from '../orders/order-state-machine.ts';
import type { OrderStatus } from '../orders/order-status.ts';
import { PaymentOrderRepository, type ClaimedOrder, type OrderChange, type OrderRow } from '../orders/payment-order.repository.ts';
import { BaofooError } from '../protocol/errors.ts';
import { parseTradeTime, type Clock } from '../protocol/trade-time.ts';
import type { GatewayQueryResult } from './gateway-query.client.ts';
import { decisionEvent, expiredEvent, mismatchEvent, queryLedger, reviewEvent } from './query-records.ts';
import type { QueryOutcome, QueryOutcomeKind } from './reconciliation-outcome.ts';
import { judgePending, nextQueryAt, readSettled, type ReconciliationTimings } from './reconciliation-policy.ts';

/** When a query went out, and when its answer was in. */
export interface QueryTimes {
  sentAt: Date;
  answeredAt: Date;
}

/** Losing the optimistic race this many times in a row means something is wrong; the order is asked about again later. */
const MAX_RACES = 5;

export class ReconciliationContentionError extends BaofooError {}

const KIND_OF: Record<OrderStatus, QueryOutcomeKind> = { PAID: 'paid', FAILED: 'failed', REVIEW: 'review', EXPIRED: 'expired', PENDING: 'later' };

/** The timing knobs of `reconciliation` in the options, with the policy's fixed ones. */
export function reconciliationTimings(options: ResolvedBaofooOptions, maxBackoffSeconds: number): ReconciliationTimings {
  const r = options.reconciliation;
  return { batchSize: r.batchSize, concurrency: r.concurrency, queryTimeoutMs: r.queryTimeoutMs, graceSeconds: r.graceSeconds, maxAgeSeconds: r.maxAgeSeconds, maxBackoffSeconds };
}

/**
 * Applies a verified order-query answer through the same state machine,
 * one-statement transition, ledger and outbox as a notification: read,
 * decide, conditional UPDATE, and on a lost race read again. Whoever loses the
 * race (notification or query) sees the settled order and changes nothing, so
 * a payment is settled by exactly one transition with one event.
 */
@Injectable()
export class QueryAnswerApplier {
  private readonly logger = new Logger('BaofooReconciliation');

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly orders: PaymentOrderRepository,
  ) {}

  /** `claim` is the order as claimed for this query; the answer describes the order as it was at `times.sentAt`. */
  async apply(claim: ClaimedOrder, result: GatewayQueryResult, times: QueryTimes, timings: ReconciliationTimings): Promise<QueryOutcome> {
    const settledBeforeQuery = claim.status !== 'PENDING';
    let order: OrderRow = claim;
    for (let race = 0; race < MAX_RACES; race++) {
      const outcome = order.status === 'PENDING' ? await this.toPending(order, claim, result, times, timings) : await this.toSettled(order, result, !settledBeforeQuery);
      if (outcome) {
        await this.orders.noteQueryOutcome(claim.id, claim.queryAttempts, result.answer.checkResult, outcome.nextQueryAt);
        return outcome;
      }
      const fresh = await this.orders.findByTransId(claim.memberId, claim.transId);
      if (!fresh) throw new BaofooError('ORDER_UNKNOWN', `order ${claim.transId} of merchant ${claim.memberId} disappeared`, { transId: claim.transId });
      order = fresh;
    }
    throw new ReconciliationContentionError('RECONCILIATION_CONTENTION', `order ${claim.transId} kept changing under ${MAX_RACES} attempts`, { transId: claim.transId });
  }

  /** The order time the grace and maximum age count from: TradeDate, which came from the module clock. */
  orderedAt(order: OrderRow): Date {
    try {
      return parseTradeTime(order.tradeDate, this.options.timeZone, 'TradeDate');
    } catch {
      return order.createdAt;
    }
  }

  /** Null when another writer changed the order first. */
  private async toPending(order: OrderRow, claim: ClaimedOrder, result: GatewayQueryResult, times: QueryTimes, timings: ReconciliationTimings): Promise<QueryOutcome | null> {
    const a = result.answer;
    const now = this.clock();
    if (a.checkResult === 'Y' || a.checkResult === 'F') {
      const d = decide(order, { succeeded: a.checkResult === 'Y', paidMoney: a.succMoney, resultDesc: null, source: 'query' });
      if (d.kind !== 'transition') return this.outcome(order, 'unchanged', order.status, result, d.reason);
      const won = await this.orders.transition(
        this.change(order, d.to, d.factMoney, d.reason, a.succTime || null),
        queryLedger(order, result, d.verdict, d.to, d.reason),
        [decisionEvent(order, d, result, now)],
      );
      return won ? this.outcome(order, KIND_OF[d.to], d.to, result, d.reason) : null;
    }
    const orderedAt = this.orderedAt(order);
    const verdict = judgePending(a.checkResult, orderedAt, times.sentAt, timings);
    if (verdict.kind === 'later') {
      return { ...this.outcome(order, 'later', 'PENDING', result, null), nextQueryAt: nextQueryAt(times.answeredAt, claim.queryAttempts, orderedAt, a.checkResult, timings) };
    }
    const to: OrderStatus = verdict.kind === 'expire' ? 'EXPIRED' : 'REVIEW';
    const won = await this.orders.transition(
      this.change(order, to, null, to === 'REVIEW' ? verdict.reason : null, null),
      queryLedger(order, result, to === 'REVIEW' ? 'review' : 'applied', to, verdict.reason, to === 'EXPIRED' ? 'ORDER_EXPIRED' : 'STILL_PROCESSING'),
      [to === 'EXPIRED' ? expiredEvent(order, verdict.reason, result, now) : reviewEvent(order, verdict.reason, now)],
    );
    return won ? this.outcome(order, KIND_OF[to], to, result, verdict.reason) : null;
  }

  private async toSettled(order: OrderRow, result: GatewayQueryResult, answerMayBeStale: boolean): Promise<QueryOutcome | null> {
    const a = result.answer;
    const status = order.status as Exclude<OrderStatus, 'PENDING'>;
    const reading = readSettled({ status, factMoney: order.factMoney }, a, answerMayBeStale);
    if (reading.kind === 'agrees' || reading.kind === 'nothing') return this.outcome(order, 'unchanged', status, result, null);
    if (reading.kind === 'mismatch') {
      await this.orders.record(queryLedger(order, result, 'ignored', status, reading.reason, 'RECONCILIATION_MISMATCH'), [mismatchEvent(order, reading.reason, result, this.clock())]);
      this.logger.warn(`order query of ${order.transId} disagrees with the ${status} order: ${reading.reason}`);
      return this.outcome(order, 'mismatch', status, result, reading.reason);
    }
    // Money arrived for an order given up on: the state machine settles it late (never dropped).
    const d = decide(order, { succeeded: true, paidMoney: a.succMoney, resultDesc: null, source: 'query' });
    if (d.kind !== 'transition') return this.outcome(order, 'unchanged', status, result, d.reason);
    const won = await this.orders.transition(
      this.change(order, d.to, d.factMoney, d.reason, a.succTime || null),
      queryLedger(order, result, d.verdict, d.to, d.reason),
      [decisionEvent(order, d, result, this.clock())],
    );
    return won ? this.outcome(order, KIND_OF[d.to], d.to, result, d.reason) : null;
  }

  private change(order: OrderRow, to: OrderStatus, factMoney: OrderRow['factMoney'], reviewReason: string | null, succTime: string | null): OrderChange {
    return { orderId: order.id, expectedVersion: order.version, from: allowedFrom(to), to, factMoney, resultDesc: null, succTime, settledBy: 'query', reviewReason };
  }

  private outcome(order: OrderRow, kind: QueryOutcomeKind, status: OrderStatus, result: GatewayQueryResult, reason: string | null): QueryOutcome {
    return { transId: order.transId, memberId: order.memberId, kind, status, checkResult: result.answer.checkResult, nextQueryAt: null, reason, error: null };
  }
}
