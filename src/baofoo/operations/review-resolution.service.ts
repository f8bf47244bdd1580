import { Injectable, Logger } from '@nestjs/common';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import { SettlementContentionError, SettlementService, type SettleResult } from '../orders/settlement.service.ts';
import { logText } from '../protocol/log-text.ts';
import { BaofooOperationsError } from './operations.errors.ts';
import { OperationsStore } from './operations.store.ts';
import { checkResolution, resolutionSettlement, sameOutcome, type ReviewResolution } from './review-resolution.ts';

/** What a resolution did: `changed` is false when the order had already been resolved the same way. */
export interface ResolvedReview {
  changed: boolean;
  order: OrderRow;
}

function unknownOrder(transId: string, memberId?: string): BaofooOperationsError {
  return new BaofooOperationsError('ORDER_UNKNOWN', `no order ${transId}${memberId ? ` for merchant ${memberId}` : ''}`, { transId, memberId });
}

/**
 * Lets an operator settle an order in REVIEW by hand: to PAID with the amount
 * that arrived, or to FAILED. The resolution is news for the one settlement
 * routine (`SettlementService`): decide() moves only an order in REVIEW, in the
 * one conditional statement (order at the version read + ledger row with who
 * and why + the usual payment event with `resolvedBy`), so a notification or
 * query that settles the order at the same moment wins or loses cleanly.
 */
@Injectable()
export class ReviewResolutionService {
  private readonly logger = new Logger('BaofooOperations');

  constructor(
    private readonly orders: PaymentOrderRepository,
    private readonly store: OperationsStore,
    private readonly settlement: SettlementService,
  ) {}

  /**
   * Resolves the REVIEW order; the same resolution again is a no-op
   * (`changed: false`). Throws `BaofooOperationsError` (see its codes) for an
   * order in another state, or one already resolved the other way.
   */
  async resolve(request: ReviewResolution): Promise<ResolvedReview> {
    const r = checkResolution(request);
    const result = await this.settle(await this.findOrder(r.transId, r.memberId), r);
    // The news names no terminal, so it is never foreign: anything but a change is an order that left REVIEW (or vanished).
    if (result.kind === 'unknown') throw unknownOrder(r.transId, r.memberId);
    if (result.kind !== 'changed') return this.alreadyResolved(result.order, r);
    const { order } = result;
    // The operator's words are quoted and escaped: a newline in them must not forge a log line.
    this.logger.log(`order ${order.transId} resolved from REVIEW to ${r.outcome.to} by ${logText(r.by)}: ${logText(r.why)}`);
    return { changed: true, order: (await this.orders.findByTransId(order.memberId, order.transId)) ?? order };
  }

  private async settle(order: OrderRow, r: ReviewResolution): Promise<SettleResult> {
    try {
      return await this.settlement.settle(resolutionSettlement(order, r), order);
    } catch (e) {
      if (!(e instanceof SettlementContentionError)) throw e;
      throw new BaofooOperationsError('RESOLUTION_CONTENTION', e.message, { transId: r.transId });
    }
  }

  private async alreadyResolved(order: OrderRow, r: ReviewResolution): Promise<ResolvedReview> {
    const last = order.status === 'PAID' || order.status === 'FAILED' ? await this.store.lastResolution(order) : null;
    // Only a resolution the order still stands on counts: one the gateway overtook since (a late payment) is history.
    const recorded = last?.Outcome === order.status ? last : null;
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
    const found = await this.orders.findAllByTransId(transId, memberId !== undefined ? [memberId] : undefined);
    const members = found.map((o) => o.memberId);
    if (members.length > 1) throw new BaofooOperationsError('ORDER_AMBIGUOUS', `TransID ${transId} names orders of several merchants: say which memberId`, { transId, members });
    if (found.length === 0) throw unknownOrder(transId, memberId);
    return found[0];
  }
}
