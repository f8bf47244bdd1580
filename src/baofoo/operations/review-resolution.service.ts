import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK } from '../baofoo.constants.ts';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { BaofooOperationsError } from './operations.errors.ts';
import { OperationsStore } from './operations.store.ts';
import { checkResolution, resolutionEvent, resolutionLedger, sameOutcome, type ReviewResolution } from './review-resolution.ts';

/** What a resolution did: `changed` is false when the order had already been resolved the same way. */
export interface ResolvedReview {
  changed: boolean;
  order: OrderRow;
}

/** Losing the optimistic race this many times in a row means something else keeps changing the order. */
const MAX_RACES = 5;

/**
 * Lets an operator settle an order in REVIEW by hand: to PAID with the amount
 * that arrived, or to FAILED. It goes through the repository's one conditional
 * statement (order from REVIEW at the version read + ledger row with who and
 * why + the usual payment event with `resolvedBy`), so a notification or
 * query that settles the order at the same moment wins or loses cleanly.
 */
@Injectable()
export class ReviewResolutionService {
  private readonly logger = new Logger('BaofooOperations');

  constructor(
    private readonly orders: PaymentOrderRepository,
    private readonly store: OperationsStore,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Resolves the REVIEW order; the same resolution again is a no-op
   * (`changed: false`). Throws `BaofooOperationsError` (see its codes) for an
   * order in another state, or one already resolved the other way.
   */
  async resolve(request: ReviewResolution): Promise<ResolvedReview> {
    const r = checkResolution(request);
    for (let race = 0; race < MAX_RACES; race++) {
      const order = await this.findOrder(r.transId, r.memberId);
      if (order.status !== 'REVIEW') return this.alreadyResolved(order, r);
      const won = await this.orders.transition(
        {
          orderId: order.id,
          expectedVersion: order.version,
          from: ['REVIEW'],
          to: r.outcome.to,
          factMoney: r.outcome.to === 'PAID' ? r.outcome.paidMoney : null,
          resultDesc: null,
          succTime: null,
          settledBy: 'operator',
          reviewReason: null,
          nextQueryAt: null,
        },
        resolutionLedger(order, r),
        [resolutionEvent(order, r, this.clock())],
      );
      if (won) {
        this.logger.log(`order ${order.transId} resolved from REVIEW to ${r.outcome.to} by ${r.by}: ${r.why}`);
        return { changed: true, order: (await this.orders.findByTransId(order.memberId, order.transId)) ?? order };
      }
    }
    throw new BaofooOperationsError('RESOLUTION_CONTENTION', `order ${r.transId} kept changing under ${MAX_RACES} attempts`, { transId: r.transId });
  }

  private async alreadyResolved(order: OrderRow, r: ReviewResolution): Promise<ResolvedReview> {
    const recorded = order.status === 'PAID' || order.status === 'FAILED' ? await this.store.lastResolution(order.id) : null;
    if (recorded && sameOutcome(recorded, r.outcome)) return { changed: false, order };
    if (recorded) {
      throw new BaofooOperationsError('RESOLUTION_CONFLICT', `order ${order.transId} was already resolved to ${recorded.Outcome} by ${recorded.ResolvedBy}`, {
        transId: order.transId,
        status: order.status,
        resolvedBy: recorded.ResolvedBy,
      });
    }
    throw new BaofooOperationsError('ORDER_NOT_IN_REVIEW', `order ${order.transId} is ${order.status}: only an order in REVIEW can be resolved by hand`, {
      transId: order.transId,
      status: order.status,
    });
  }

  private async findOrder(transId: string, memberId?: string): Promise<OrderRow> {
    const members = memberId !== undefined ? [memberId] : await this.store.merchantsOf(transId);
    if (members.length > 1) throw new BaofooOperationsError('ORDER_AMBIGUOUS', `TransID ${transId} names orders of several merchants: say which memberId`, { transId, members });
    const order = members.length === 1 ? await this.orders.findByTransId(members[0], transId) : null;
    if (!order) throw new BaofooOperationsError('ORDER_UNKNOWN', `no order ${transId}${memberId ? ` for merchant ${memberId}` : ''}`, { transId, memberId });
    return order;
  }
}
