import { Injectable, Optional } from '@nestjs/common';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { Settlement } from '../orders/settlement-records.ts';
import { SettlementService } from '../orders/settlement.service.ts';
import { BaofooProtocolError } from '../protocol/errors.ts';
import { interpretPaymentResult, type PaymentResult } from '../protocol/notification.ts';
import type { NotificationAnswer, VerifiedNotification } from './inbound-notification.ts';
import { cut } from './ledger-identity.ts';
import { RefusalRecorder } from './refusal.recorder.ts';

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

/**
 * Applies a verified payment result to its order exactly once through the
 * settling routine (ledger row, conditional order update and outbox events in
 * one statement), and answers `OK` only after it committed; records refusals.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly settlement: SettlementService,
    private readonly refusals: RefusalRecorder,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {}

  apply(n: VerifiedNotification): Promise<NotificationAnswer> {
    return this.observation.observer.notification(n.fields, () => this.settle(n));
  }

  private async settle(n: VerifiedNotification): Promise<NotificationAnswer> {
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
        return this.reject(n, 'MERCHANT_MISMATCH', `order ${result.transId} belongs to terminal ${r.order.terminalId}, not ${result.terminalId}`, 400, r.order);
      case 'unchanged':
        await this.settlement.recordUnchanged(r.order, r.decision, settlement);
        return ACKNOWLEDGED;
      case 'changed':
        return ACKNOWLEDGED;
    }
  }

  /** A signed notification that cannot be applied: recorded one by one (see `RefusalRecorder.recordSigned`). */
  private reject(n: VerifiedNotification, code: string, reason: string, status: number, order?: OrderRow): Promise<NotificationAnswer> {
    return this.refusals.recordSigned(n, code, reason, status, order);
  }
}
