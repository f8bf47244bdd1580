import { Injectable } from '@nestjs/common';
import type { ReviewResolution } from '../operations/review-resolution.ts';
import { amountIsFar, farAmountMessage } from './amount-check.ts';
import { BoardInputError } from './board-input.error.ts';
import { BoardReader } from './board.reader.ts';

const fen = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Refuses a resolution to PAID whose amount is far from every amount on record, unless the operator confirmed it. */
@Injectable()
export class FarAmountCheck {
  constructor(private readonly reader: BoardReader) {}

  async check(r: ReviewResolution, confirmed: boolean): Promise<void> {
    if (r.outcome.to !== 'PAID' || confirmed || !Number.isSafeInteger(r.outcome.paidMoney)) return;
    const orders = await this.reader.orders(r.transId.slice(0, 64), r.memberId ?? null);
    // No order, or several merchants': the resolution service refuses it with its own code.
    if (orders.length !== 1) return;
    const amounts = { orderMoney: fen(orders[0].orderMoney)!, factMoney: fen(orders[0].factMoney) };
    if (amountIsFar(r.outcome.paidMoney, amounts)) {
      throw new BoardInputError('AMOUNT_UNCONFIRMED', farAmountMessage(r.outcome.paidMoney, amounts), { transId: r.transId, paidMoney: r.outcome.paidMoney });
    }
  }
}
