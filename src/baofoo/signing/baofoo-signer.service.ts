import { Inject, Injectable } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooError } from '../protocol/errors.ts';
import { buildPaymentForm, type PaymentForm, type PaymentRequestInput } from '../protocol/payment-request.ts';
import { verifyPaymentResult, type PaymentResultFields } from '../protocol/notification.ts';
import { buildQueryRequest, parseQueryAnswer, type QueryAnswer, type QueryRequestFields } from '../protocol/order-query.ts';
import type { Clock } from '../protocol/trade-time.ts';

export interface SignatureCheck {
  valid: boolean;
  /** The id of the key that verified (never the key). */
  keyId?: string;
  /** Whether MemberID + TerminalID name a configured merchant. */
  merchantKnown: boolean;
  /** Ids of the keys that were tried. */
  triedKeyIds: string[];
}

/**
 * The protocol's signing rules bound to the configured merchants, key ring,
 * charset and clock. Pure functions do the work; this only supplies them.
 */
@Injectable()
export class BaofooSigner {
  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
  ) {}

  private signingKey(memberId: string, terminalId: string) {
    const key = this.options.keyRing.signingKey(memberId, terminalId);
    if (!key) throw new BaofooError('MERCHANT_UNKNOWN', `merchant ${memberId}/${terminalId} is not configured`, { memberId, terminalId });
    return key;
  }

  /** The signed payment form for the environment's gateway. */
  paymentForm(input: PaymentRequestInput): PaymentForm {
    const key = this.signingKey(input.memberId, input.terminalId);
    return buildPaymentForm(input, key.secret, this.options.endpoints.payUrl, this.options.charset);
  }

  /** Verifies a payment result against every key of the merchant not yet retired. */
  checkPaymentResult(fields: PaymentResultFields): SignatureCheck {
    const keys = this.options.keyRing.verificationKeys(fields.MemberID, fields.TerminalID, this.clock());
    const merchantKnown = this.options.keyRing.merchant(fields.MemberID, fields.TerminalID) !== undefined;
    const match = keys.find((k) => verifyPaymentResult(fields, k.secret, this.options.charset));
    return { valid: match !== undefined, keyId: match?.id, merchantKnown, triedKeyIds: keys.map((k) => k.id) };
  }

  queryRequest(memberId: string, terminalId: string, transId: string): QueryRequestFields {
    const key = this.signingKey(memberId, terminalId);
    return buildQueryRequest({ MemberID: memberId, TerminalID: terminalId, TransID: transId }, key.secret, this.options.charset);
  }

  /** Parses and verifies a query answer; throws `BaofooProtocolError` for anything else. */
  parseQueryAnswer(text: string): QueryAnswer {
    const now = this.clock();
    return parseQueryAnswer(text, (m, t) => this.options.keyRing.verificationKeys(m, t, now).map((k) => k.secret), this.options.charset);
  }
}
