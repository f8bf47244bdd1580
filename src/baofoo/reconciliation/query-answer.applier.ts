import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { awaitsMoney, type OrderNews } from '../orders/order-state-machine.ts';
import type { OrderStatus } from '../orders/order-status.ts';
import { PaymentOrderRepository, type ClaimedOrder, type OrderRow } from '../orders/payment-order.repository.ts';
import { SettlementService } from '../orders/settlement.service.ts';
import { BaofooError } from '../protocol/errors.ts';
import { parseTradeTime, type Clock } from '../protocol/trade-time.ts';
import type { GatewayQueryResult } from './gateway-query.client.ts';
import { mismatchEvent, queryLedger, querySettlement } from './query-records.ts';
import { queryOutcome, type QueryOutcome, type QueryOutcomeKind } from './reconciliation-outcome.ts';
import { judgePending, nextQueryAt, readSettled, reviewNextQueryAt, type ReconciliationTimings, type SettledFacts } from './reconciliation-policy.ts';

/** When a query went out, and when its answer was in. */
export interface QueryTimes {
  sentAt: Date;
  answeredAt: Date;
}

const KIND_OF: Record<OrderStatus, QueryOutcomeKind> = { PAID: 'paid', FAILED: 'failed', REVIEW: 'review', EXPIRED: 'expired', PENDING: 'later' };

/** The timing knobs of `reconciliation` in the options, with the policy's fixed ones. */
export function reconciliationTimings(options: ResolvedBaofooOptions, maxBackoffSeconds: number): ReconciliationTimings {
  const r = options.reconciliation;
  return { batchSize: r.batchSize, concurrency: r.concurrency, queryTimeoutMs: r.queryTimeoutMs, graceSeconds: r.graceSeconds, maxAgeSeconds: r.maxAgeSeconds, maxBackoffSeconds };
}

/**
 * Turns a verified order-query answer into news for the settling routine
 * (SettlementService, the same one notifications use), and only when decide()
 * changes nothing classifies the answer: it agrees, says nothing new (or may
 * predate a settlement), or contradicts the order (a mismatch is recorded and
 * raised, nothing changes). A REVIEW order awaiting money stays on the query
 * schedule until money settles it or its window ends.
 */
@Injectable()
export class QueryAnswerApplier {
  private readonly logger = new Logger('BaofooReconciliation');

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly orders: PaymentOrderRepository,
    private readonly settlement: SettlementService,
  ) {}

  /** `claim` is the order as claimed for this query; the answer describes the order as it was at `times.sentAt`. */
  async apply(claim: ClaimedOrder, result: GatewayQueryResult, times: QueryTimes, timings: ReconciliationTimings): Promise<QueryOutcome> {
    const outcome = await this.outcomeOf(claim, result, times, timings);
    await this.orders.noteQueryOutcome(claim.id, claim.queryAttempts, result.answer.checkResult, outcome.nextQueryAt);
    return outcome;
  }

  /** The order time the grace and maximum age count from: TradeDate, which came from the module clock. */
  orderedAt(order: OrderRow): Date {
    try {
      return parseTradeTime(order.tradeDate, this.options.timeZone, 'TradeDate');
    } catch {
      return order.createdAt;
    }
  }

  /** When to ask again after a query that brought no answer. */
  nextAfterError(claim: ClaimedOrder, endedAt: Date, timings: ReconciliationTimings): Date | null {
    const orderedAt = this.orderedAt(claim);
    if (awaitsMoney(claim)) return reviewNextQueryAt(endedAt, claim.queryAttempts, orderedAt, timings);
    return claim.status === 'PENDING' ? nextQueryAt(endedAt, claim.queryAttempts, orderedAt, null, timings) : null;
  }

  private async outcomeOf(claim: ClaimedOrder, result: GatewayQueryResult, times: QueryTimes, timings: ReconciliationTimings): Promise<QueryOutcome> {
    const a = result.answer;
    const orderedAt = this.orderedAt(claim);
    const reviewNext = reviewNextQueryAt(times.answeredAt, claim.queryAttempts, orderedAt, timings);
    const news = this.newsOf(claim, result, orderedAt, times.sentAt, timings);
    if (!news) {
      if (claim.status !== 'PENDING') return this.classify(claim, result, false, reviewNext);
      return { ...this.outcome(claim, 'later', 'PENDING', result, null), nextQueryAt: nextQueryAt(times.answeredAt, claim.queryAttempts, orderedAt, a.checkResult, timings) };
    }
    const r = await this.settlement.settle(querySettlement(claim, result, news, reviewNext), claim);
    switch (r.kind) {
      case 'changed': {
        const d = r.decision;
        return { ...this.outcome(claim, KIND_OF[d.to], d.to, result, d.reason), nextQueryAt: d.to === 'REVIEW' && d.factMoney === null ? reviewNext : null };
      }
      case 'unchanged':
        return this.classify(r.order, result, claim.status === 'PENDING', reviewNext);
      default:
        throw new BaofooError('ORDER_UNKNOWN', `order ${claim.transId} of merchant ${claim.memberId} disappeared`, { transId: claim.transId });
    }
  }

  /** Y and F are news for the state machine; P and N are only when they end the wait on a PENDING order. */
  private newsOf(claim: ClaimedOrder, result: GatewayQueryResult, orderedAt: Date, sentAt: Date, timings: ReconciliationTimings): OrderNews | null {
    const a = result.answer;
    if (a.checkResult === 'Y' || a.checkResult === 'F') return { succeeded: a.checkResult === 'Y', paidMoney: a.succMoney, resultDesc: null, source: 'query' };
    if (claim.status !== 'PENDING') return null;
    const verdict = judgePending(a.checkResult, orderedAt, sentAt, timings);
    return verdict.kind === 'later' ? null : { giveUp: verdict.kind === 'expire' ? 'EXPIRED' : 'REVIEW', reason: verdict.reason, source: 'query' };
  }

  /** An answer about an order it did not change: agreement, nothing new, or a mismatch (recorded and raised). */
  private async classify(order: OrderRow, result: GatewayQueryResult, answerMayBeStale: boolean, reviewNext: Date | null): Promise<QueryOutcome> {
    const status = order.status as SettledFacts['status'];
    const next = awaitsMoney(order) ? reviewNext : null;
    const reading = readSettled({ status, factMoney: order.factMoney }, result.answer, answerMayBeStale);
    if (reading.kind !== 'mismatch') return { ...this.outcome(order, 'unchanged', status, result, null), nextQueryAt: next };
    await this.orders.record(queryLedger(order, result, 'ignored', reading.reason, 'RECONCILIATION_MISMATCH'), [mismatchEvent(order, reading.reason, result, this.clock())]);
    this.logger.warn(`order query of ${order.transId} disagrees with the ${status} order: ${reading.reason}`);
    return { ...this.outcome(order, 'mismatch', status, result, reading.reason), nextQueryAt: next };
  }

  private outcome(order: OrderRow, kind: QueryOutcomeKind, status: OrderStatus, result: GatewayQueryResult, reason: string | null): QueryOutcome {
    return queryOutcome(order, kind, { status, checkResult: result.answer.checkResult, reason });
  }
}
