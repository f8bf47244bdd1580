import { Inject, Injectable } from '@nestjs/common';
import { BAOFOO_CLOCK } from '../baofoo.constants.ts';
import { outboxEntry, type OutboxEntry } from '../events/outbox-entry.ts';
import { decide, allowedFrom, type Decision } from '../orders/order-state-machine.ts';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import { BaofooError, BaofooProtocolError } from '../protocol/errors.ts';
import { interpretPaymentResult, type PaymentResult } from '../protocol/notification.ts';
import type { Clock } from '../protocol/trade-time.ts';
import type { NotificationAnswer, VerifiedNotification } from './inbound-notification.ts';
import { ledgerIdentity } from './ledger-identity.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import type { NotificationVerdict } from './notification-verdict.ts';
import { RefusalRecorder } from './refusal.recorder.ts';

/** The one body that stops the gateway's retries (spec §3). */
export const ACKNOWLEDGED: NotificationAnswer = { status: 200, body: 'OK' };

/** Losing the optimistic race this many times in a row means something is wrong; the gateway will retry. */
const MAX_RACES = 5;

export class NotificationContentionError extends BaofooError {}

/**
 * Applies a verified payment result to its order exactly once: ledger row,
 * conditional order update and outbox events in one statement, and `OK` only
 * after it committed.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly orders: PaymentOrderRepository,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly refusals: RefusalRecorder,
  ) {}

  async apply(n: VerifiedNotification): Promise<NotificationAnswer> {
    let result: PaymentResult;
    try {
      result = interpretPaymentResult(n.fields);
    } catch (e) {
      if (e instanceof BaofooProtocolError) return this.reject(n, e.code, e.message, 400);
      throw e;
    }
    if (await this.settleIfPending(n, result)) return ACKNOWLEDGED;
    for (let race = 0; race < MAX_RACES; race++) {
      const order = await this.orders.findByTransId(result.memberId, result.transId);
      if (!order) return this.reject(n, 'ORDER_UNKNOWN', `no order ${result.transId} for merchant ${result.memberId}`, 404);
      if (order.terminalId !== result.terminalId) {
        return this.reject(n, 'MERCHANT_MISMATCH', `order ${result.transId} belongs to terminal ${order.terminalId}, not ${result.terminalId}`, 400);
      }
      const decision = decide(order, { succeeded: result.succeeded, paidMoney: result.factMoney, resultDesc: result.resultDesc, source: 'notification' });
      if (decision.kind === 'none') {
        await this.orders.record(this.ledger(n, order, decision.verdict, decision, 200), this.events(decision, order, result));
        return ACKNOWLEDGED;
      }
      const won = await this.orders.transition(
        {
          orderId: order.id,
          expectedVersion: order.version,
          from: allowedFrom(decision.to),
          to: decision.to,
          factMoney: decision.factMoney,
          resultDesc: result.resultDesc,
          succTime: result.succTime || null,
          settledBy: 'notification',
          reviewReason: decision.reason,
        },
        this.ledger(n, order, decision.verdict, decision, 200),
        this.events(decision, order, result),
      );
      if (won) return ACKNOWLEDGED;
    }
    throw new NotificationContentionError('NOTIFICATION_CONTENTION', `order ${result.transId} kept changing under ${MAX_RACES} attempts`, { transId: result.transId });
  }

  /**
   * The usual notification, a full payment of a PENDING order, settled without
   * reading the order first (one round trip instead of two). Decided on the
   * order as the statement's WHERE requires it to be, so the ledger row and
   * event are the ones the general path would write.
   */
  private async settleIfPending(n: VerifiedNotification, result: PaymentResult): Promise<boolean> {
    if (!result.succeeded || result.factMoney <= 0) return false;
    const assumed: OrderRow = {
      id: '',
      memberId: result.memberId,
      terminalId: result.terminalId,
      transId: result.transId,
      payId: '',
      tradeDate: '',
      orderMoney: result.factMoney,
      factMoney: null,
      status: 'PENDING',
      version: 0,
      createdAt: new Date(0),
    };
    const decision = decide(assumed, { succeeded: true, paidMoney: result.factMoney, resultDesc: result.resultDesc, source: 'notification' });
    if (decision.kind !== 'transition' || decision.to !== 'PAID') return false;
    return this.orders.settlePending(
      {
        memberId: result.memberId,
        transId: result.transId,
        terminalId: result.terminalId,
        paidMoney: result.factMoney,
        resultDesc: result.resultDesc,
        succTime: result.succTime || null,
        settledBy: 'notification',
      },
      { ...this.ledger(n, assumed, decision.verdict, decision, 200), orderId: null },
      // The statement fills in the order id (column and payload) from the row it updated.
      this.events(decision, assumed, result).map((e) => ({ ...e, order_id: null })),
    );
  }

  /** A signed notification that cannot be applied: recorded one by one (see `RefusalRecorder.recordSigned`). */
  private reject(n: VerifiedNotification, code: string, reason: string, status: number, order?: OrderRow): Promise<NotificationAnswer> {
    return this.refusals.recordSigned(n, code, reason, status, order);
  }

  private ledger(n: VerifiedNotification, order: OrderRow, verdict: NotificationVerdict, d: Decision, httpStatus: number): LedgerEntry {
    return {
      ...ledgerIdentity(n, order),
      verdict,
      reasonCode: null,
      reason: d.reason,
      keyId: n.keyId,
      fromStatus: order.status,
      toStatus: d.kind === 'transition' ? d.to : order.status,
      httpStatus,
    };
  }

  private events(d: Decision, order: OrderRow, result: PaymentResult): OutboxEntry[] {
    if (!d.event) return [];
    const transition = d.kind === 'transition';
    return [
      outboxEntry(
        d.event,
        {
          orderId: order.id,
          transId: order.transId,
          memberId: order.memberId,
          terminalId: order.terminalId,
          orderMoney: order.orderMoney,
          factMoney: transition ? d.factMoney : result.factMoney,
          status: transition ? d.to : order.status,
          previousStatus: order.status,
          source: 'notification',
        },
        this.clock(),
        { resultDesc: result.resultDesc, succTime: result.succTime, late: transition && d.late, reason: d.reason },
      ),
    ];
  }
}
