import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK } from '../baofoo.constants.ts';
import { outboxEntry } from '../events/outbox-entry.ts';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import type { Settlement } from '../orders/settlement-records.ts';
import { SettlementService } from '../orders/settlement.service.ts';
import { BaofooProtocolError } from '../protocol/errors.ts';
import { interpretPaymentResult, type PaymentResult } from '../protocol/notification.ts';
import type { Clock } from '../protocol/trade-time.ts';
import type { InboundRequest, NotificationAnswer, VerifiedNotification } from './inbound-notification.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** The one body that stops the gateway's retries (spec §3). */
export const ACKNOWLEDGED: NotificationAnswer = { status: 200, body: 'OK' };

/** A verified notification as news for the settling routine. */
function notificationSettlement(n: VerifiedNotification, result: PaymentResult): Settlement {
  return {
    memberId: result.memberId,
    transId: result.transId,
    terminalId: result.terminalId,
    news: { succeeded: result.succeeded, paidMoney: result.factMoney, resultDesc: result.resultDesc, source: 'notification', additionalInfo: result.additionalInfo },
    resultDesc: result.resultDesc,
    succTime: result.succTime || null,
    evidence: { sourceIp: cut(n.sourceIp) ?? '', method: n.method, fields: n.params, rawBody: n.rawBody, keyId: n.keyId, httpStatus: 200 },
    checkResult: null,
    reviewNextQueryAt: null,
  };
}

/** The first `max` characters as PostgreSQL's varchar counts them (code points: a UTF-16 cut could split a pair, which jsonb refuses). */
function cut(text: string | undefined, max = 64): string | null {
  if (text === undefined) return null;
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

/**
 * Applies a verified payment result to its order exactly once through the
 * settling routine (ledger row, conditional order update and outbox events in
 * one statement), and answers `OK` only after it committed; records refusals.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger('BaofooNotifications');

  constructor(
    private readonly orders: PaymentOrderRepository,
    private readonly settlement: SettlementService,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
  ) {}

  async apply(n: VerifiedNotification): Promise<NotificationAnswer> {
    let result: PaymentResult;
    try {
      result = interpretPaymentResult(n.fields);
    } catch (e) {
      if (e instanceof BaofooProtocolError) return this.reject(n, e.code, e.message, 400);
      throw e;
    }
    const settlement = notificationSettlement(n, result);
    const r = await this.settlement.settle(settlement);
    switch (r.kind) {
      case 'unknown':
        return this.reject(n, 'ORDER_UNKNOWN', `no order ${result.transId} for merchant ${result.memberId}`, 404);
      case 'foreign-terminal':
        return this.reject(n, 'MERCHANT_MISMATCH', `order ${result.transId} belongs to terminal ${r.order.terminalId}, not ${result.terminalId}`, 400);
      case 'unchanged':
        await this.settlement.recordUnchanged(r.order, r.decision, settlement);
        return ACKNOWLEDGED;
      case 'changed':
        return ACKNOWLEDGED;
    }
  }

  /**
   * Records a refused notification (ledger row + `baofoo.notification.rejected`)
   * and returns the answer for the gateway, which is never `OK`.
   */
  async reject(req: InboundRequest & Partial<Pick<VerifiedNotification, 'keyId'>>, code: string, reason: string, status: number, order?: OrderRow): Promise<NotificationAnswer> {
    const identity = this.identity(req, order);
    const entry: LedgerEntry = {
      ...identity,
      verdict: 'rejected',
      reasonCode: code,
      reason,
      keyId: req.keyId ?? null,
      fromStatus: null,
      toStatus: null,
      httpStatus: status,
    };
    const event = outboxEntry(
      'baofoo.notification.rejected',
      {
        orderId: order?.id ?? null,
        // Cut like the ledger's: a refused request's fields can be any length, the outbox's trans_id cannot.
        transId: identity.transId,
        memberId: identity.memberId,
        terminalId: identity.terminalId,
        orderMoney: order?.orderMoney ?? null,
        factMoney: null,
        status: order?.status ?? null,
        previousStatus: null,
        source: 'notification',
      },
      this.clock(),
      { reasonCode: code, reason, sourceIp: identity.sourceIp },
    );
    await this.orders.record(entry, [event]);
    this.logger.warn(`notification rejected (${code}) from ${req.sourceIp}: ${reason}`);
    return { status, body: `FAIL ${code}` };
  }

  private identity(req: InboundRequest, order?: OrderRow): Pick<LedgerEntry, 'orderId' | 'memberId' | 'terminalId' | 'transId' | 'sourceIp' | 'method' | 'fields' | 'rawBody'> {
    const p = req.params ?? {};
    return {
      orderId: order?.id ?? null,
      memberId: cut(p.MemberID),
      terminalId: cut(p.TerminalID),
      transId: cut(p.TransID),
      sourceIp: cut(req.sourceIp) ?? '',
      method: req.method,
      fields: req.params,
      rawBody: req.rawBody,
    };
  }
}
