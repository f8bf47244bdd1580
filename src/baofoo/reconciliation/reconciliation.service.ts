import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { PaymentOrderRepository, type ClaimedOrder, type OrderRow } from '../orders/payment-order.repository.ts';
import { BaofooError } from '../protocol/errors.ts';
import { logText } from '../protocol/log-text.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { mapBounded } from '../common/bounded-map.ts';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import { GatewayQueryClient, type GatewayQueryResult } from './gateway-query.client.ts';
import { GatewayQueryError } from './gateway-query.errors.ts';
import { QueryAnswerApplier, reconciliationTimings } from './query-answer.applier.ts';
import { QueryBudgetStore } from './query-budget.store.ts';
import { queryOutcome, type QueryOutcome, type ReconciliationRun } from './reconciliation-outcome.ts';
import { DEFAULT_MAX_BACKOFF_SECONDS, leaseSeconds, MIN_QUERY_INTERVAL_SECONDS, sendDeadline, type ReconciliationTimings } from './reconciliation-policy.ts';

/**
 * Settles what notifications missed by asking the gateway (docs/architecture/
 * reconciliation.md). Every instance may tick; the work is exclusive: a tick
 * claims due PENDING orders (and REVIEW orders awaiting money) in one statement that also moves their
 * next_query_at past a lease, so an order is asked about at most once a
 * minute whatever the number of instances, and the orders of an instance that
 * died mid-batch come back when their lease ends. All times come from the
 * module clock.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('BaofooReconciliation');
  readonly timings: ReconciliationTimings;
  /** Seconds a claim keeps other instances off an order (see `leaseSeconds`). */
  readonly leaseSeconds: number;
  /** Set on shutdown: a tick's queries not yet sent are skipped and their claims handed back. */
  private stopping = false;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly orders: PaymentOrderRepository,
    private readonly client: GatewayQueryClient,
    private readonly applier: QueryAnswerApplier,
    private readonly budget: QueryBudgetStore,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {
    this.timings = reconciliationTimings(options, DEFAULT_MAX_BACKOFF_SECONDS);
    this.leaseSeconds = leaseSeconds(this.timings);
  }

  /** One tick: claim the due orders within each merchant's query budget, query them with bounded concurrency, apply each answer. */
  runOnce(): Promise<ReconciliationRun> {
    return this.observation.observer.reconciliationRun(() => this.runNow());
  }

  private async runNow(): Promise<ReconciliationRun> {
    const at = this.clock();
    const claimed = await this.claimWithinBudget(at);
    const deadline = sendDeadline(at, this.leaseSeconds);
    const unsent: ClaimedOrder[] = [];
    const outcomes = await mapBounded(claimed, this.timings.concurrency, (claim) =>
      this.queryClaimed(claim, deadline, unsent).catch((e: unknown) => {
        // One order's database trouble must not cost the rest of the batch; its lease brings it back.
        this.logger.error(`reconciliation of ${claim.transId} failed: ${logText((e as Error).message)}`);
        return this.failed(claim, e instanceof BaofooError ? e.code : 'INTERNAL', (e as Error).message, null);
      }),
    );
    await this.release(unsent);
    if (claimed.length > 0) {
      const counts = new Map<string, number>();
      for (const o of outcomes) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
      this.logger.log(`reconciled ${claimed.length} order(s): ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
    return { at, claimed: claimed.length, outcomes };
  }

  /**
   * Shutdown: queries in flight finish (each within `queryTimeoutMs`); the
   * rest of a tick's batch is not sent, and its claims go back at once
   * instead of keeping the orders from the other instances for the whole lease.
   */
  stop(): void {
    this.stopping = true;
  }

  private async release(unsent: readonly ClaimedOrder[]): Promise<void> {
    if (unsent.length === 0) return;
    try {
      await this.orders.releaseQueryClaims(unsent, this.clock());
      this.logger.log(`stopping: handed back ${unsent.length} claimed order(s) not yet queried`);
    } catch (e) {
      this.logger.warn(`stopping: could not hand back ${unsent.length} claimed order(s) (their lease brings them back): ${logText((e as Error).message)}`);
    }
  }

  /**
   * Claims due orders merchant by merchant, never more than the merchant's
   * budget for this minute allows (`maxQueriesPerMinute`, shared by every
   * instance through PostgreSQL). Budget taken for orders another instance
   * claimed first is given back.
   */
  private async claimWithinBudget(at: Date): Promise<ClaimedOrder[]> {
    const claimed: ClaimedOrder[] = [];
    for (const memberId of this.memberIds()) {
      const granted = await this.budget.take(memberId, at, this.timings.batchSize - claimed.length, this.options.reconciliation.maxQueriesPerMinute);
      if (granted === 0) continue;
      const got = await this.orders.claimDueForQuery(at, this.leaseSeconds, granted, MIN_QUERY_INTERVAL_SECONDS, memberId);
      await this.budget.giveBack(memberId, at, granted - got.length);
      claimed.push(...got);
    }
    return claimed;
  }

  private memberIds(): string[] {
    return [...new Set(this.options.keyRing.merchants.map((m) => m.memberId))];
  }

  /**
   * Asks the gateway about one order now, whatever its state, and applies the
   * answer: a PENDING order settles as in a tick; a settled one that the
   * gateway contradicts raises `baofoo.reconciliation.mismatch` and stays as
   * it is. Within a minute of the order's previous query, or once the
   * merchant's query budget of this minute is spent, the answer is
   * `too-soon` and nothing is sent. `memberId` is needed only when several
   * configured merchants used the TransID.
   */
  reconcile(transId: string, memberId?: string): Promise<QueryOutcome> {
    return this.observation.observer.orderReconciled(transId, () => this.reconcileNow(transId, memberId));
  }

  private async reconcileNow(transId: string, memberId?: string): Promise<QueryOutcome> {
    const order = await this.findOrder(transId, memberId);
    const at = this.clock();
    if ((await this.budget.take(order.memberId, at, 1, this.options.reconciliation.maxQueriesPerMinute)) === 0) {
      return queryOutcome(order, 'too-soon', { reason: `merchant ${order.memberId} used its ${this.options.reconciliation.maxQueriesPerMinute} queries of this minute` });
    }
    const claim = await this.orders.claimForQuery(order.id, at, this.leaseSeconds, MIN_QUERY_INTERVAL_SECONDS);
    if (!claim) {
      await this.budget.giveBack(order.memberId, at, 1);
      return queryOutcome(order, 'too-soon', { reason: 'the order was queried less than a minute ago, or is being queried' });
    }
    return this.queryClaimed(claim, null);
  }

  private async queryClaimed(claim: ClaimedOrder, deadline: Date | null, unsent: ClaimedOrder[] = []): Promise<QueryOutcome> {
    if (this.stopping && deadline) {
      unsent.push(claim);
      return this.skipped(claim, 'the instance is shutting down');
    }
    const sentAt = this.clock();
    if (deadline && sentAt > deadline) {
      return this.skipped(claim, 'the claim lease ran out before the query');
    }
    // A tick's query may wait its turn for minutes; an on-demand claim made meanwhile has asked already.
    if (!(await this.orders.stampQuerySent(claim.id, claim.queryAttempts, sentAt))) {
      return this.skipped(claim, 'another claim queried the order meanwhile');
    }
    let result: GatewayQueryResult;
    try {
      result = await this.client.query(claim);
    } catch (e) {
      if (!(e instanceof GatewayQueryError)) throw e;
      const next = this.applier.nextAfterError(claim, this.clock(), this.timings);
      await this.orders.noteQueryOutcome(claim.id, claim.queryAttempts, `ERROR ${e.code}`, next);
      this.logger.warn(`order query of ${claim.transId} failed (${e.code}): ${logText(e.message)}; asking again at ${next?.toISOString() ?? 'no time (not on the query schedule)'}`);
      return this.failed(claim, e.code, e.message, next);
    }
    return this.applier.apply(claim, result, { sentAt, answeredAt: this.clock() }, this.timings);
  }

  private skipped(claim: OrderRow, reason: string): QueryOutcome {
    return queryOutcome(claim, 'skipped', { reason });
  }

  private failed(claim: OrderRow, code: string, message: string, next: Date | null): QueryOutcome {
    return queryOutcome(claim, 'error', { nextQueryAt: next, reason: message, error: code });
  }

  private async findOrder(transId: string, memberId?: string): Promise<OrderRow> {
    const members = memberId !== undefined ? [memberId] : [...new Set(this.options.keyRing.merchants.map((m) => m.memberId))];
    const found = await this.orders.findAllByTransId(transId, members);
    if (found.length === 0) throw new BaofooError('ORDER_UNKNOWN', `no order ${transId}${memberId ? ` for merchant ${memberId}` : ''}`, { transId, memberId });
    if (found.length > 1) throw new BaofooError('ORDER_AMBIGUOUS', `TransID ${transId} names orders of several merchants: say which memberId`, { transId });
    return found[0];
  }
}
