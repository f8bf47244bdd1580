import { Injectable } from '@nestjs/common';
import { PaymentService } from '../baofoo/payments/payment.service.ts';
import type { PaymentRequestFields } from '../baofoo/protocol/payment-request.ts';

export interface CheckoutRequest {
  orderMoney: unknown;
  /** A PayID, or '' (or absent) for the gateway's cashier. */
  payId?: unknown;
}

export interface Checkout {
  transId: string;
  form: { action: string; fields: PaymentRequestFields };
  /** The self-submitting page that takes the browser to the gateway. */
  html: string;
}

/** One checkout for both the HTML form and the JSON API, so they cannot drift. */
@Injectable()
export class CheckoutService {
  constructor(private readonly payments: PaymentService) {}

  async checkout(request: CheckoutRequest): Promise<Checkout> {
    const payId = typeof request.payId === 'string' && request.payId.trim() !== '' ? request.payId.trim() : undefined;
    // An HTML form posts text; the API may post a number: both mean fen.
    const orderMoney = typeof request.orderMoney === 'string' && /^[0-9]+$/.test(request.orderMoney) ? Number(request.orderMoney) : request.orderMoney;
    // A refused request is a PaymentRequestError, an HttpException: Nest answers it 400 (409 for a TransID taken) with its code.
    const { order, form } = await this.payments.createPayment({ orderMoney: orderMoney as number, payId, productName: '演示商品 (demo product)' });
    return { transId: order.transId, form: { action: form.action, fields: form.fields }, html: form.html };
  }
}
