import { Inject, Injectable } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { OrderStoryReader } from '../orders/order-story.reader.ts';
import { MERCHANT_NUMBER_PATTERN } from '../protocol/merchant-number.ts';
import { TRANS_ID_PATTERN } from '../protocol/trans-id.ts';
import { OrderLookupError } from './order-lookup.error.ts';
import { paymentOrderView, type PaymentOrderView } from './payment-order-view.ts';

// What the caller sent, shown short and quoted: it may be anything.
const shown = (value: unknown) => JSON.stringify(typeof value === 'string' ? value.slice(0, 40) : value ?? null);

/**
 * Reads payment orders by TransID: status, amounts in fen, timestamps and the
 * ledger story (archived months included; its newest rows), the same story
 * the board shows. Read-only; state changes go through the settling routine.
 */
@Injectable()
export class PaymentOrders {
  constructor(
    private readonly story: OrderStoryReader,
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
  ) {}

  /**
   * The order with this TransID, or null when there is none. A TransID is
   * unique per merchant: when several configured merchants used it, name the
   * merchant (`memberId`), else `TRANS_ID_AMBIGUOUS` is thrown. A bad
   * TransID or MemberID throws `TRANS_ID_INVALID` / `MEMBER_ID_INVALID`. Each
   * is an `OrderLookupError`, an `HttpException`: an app controller that lets
   * it through answers 400 with its `code`. The ledger holds the newest rows
   * (the board's cap); `ledgerTruncated` says whether older ones were left out.
   */
  async find(transId: string, options: { memberId?: string } = {}): Promise<PaymentOrderView | null> {
    if (typeof transId !== 'string' || !TRANS_ID_PATTERN.test(transId)) {
      throw new OrderLookupError('TRANS_ID_INVALID', `a TransID is 8 to 20 letters and digits (spec §2), not ${shown(transId)}`, { transId: shown(transId) });
    }
    const { memberId } = options;
    if (memberId !== undefined && (typeof memberId !== 'string' || !MERCHANT_NUMBER_PATTERN.test(memberId))) {
      throw new OrderLookupError('MEMBER_ID_INVALID', `a MemberID is 1 to 20 digits, not ${shown(memberId)}`, { memberId: shown(memberId) });
    }
    const found = await this.story.ledgers(transId, memberId ?? null);
    if (found.length > 1) {
      const merchants = found.map((f) => f.order.memberId);
      throw new OrderLookupError('TRANS_ID_AMBIGUOUS', `TransID ${transId} is used by merchants ${merchants.join(', ')}: pass { memberId } to pick one`, { transId, merchants });
    }
    return found.length ? paymentOrderView(found[0], this.options.timeZone) : null;
  }
}
