import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { PaymentOrderRepository } from '../orders/payment-order.repository.ts';
import { escapeHtml } from '../protocol/html.ts';
import { formatYuan } from '../protocol/money.ts';
import { readNotification } from '../protocol/notification.ts';
import { BaofooSigner } from '../signing/baofoo-signer.service.ts';
import { readNotificationRequest } from './notification-request.reader.ts';
import { sendText, type TextReply } from './text-reply.ts';

const MESSAGES: Record<string, string> = {
  PAID: 'Payment received. Thank you!',
  PENDING: 'We are waiting for the bank to confirm your payment. This page does not need to stay open.',
  FAILED: 'The payment did not go through. You have not been charged.',
  REVIEW: 'Your payment arrived and is being checked by our staff.',
  EXPIRED: 'This order has expired.',
};

const HTML = 'text/html; charset=utf-8';

/**
 * The PageUrl route: the shopper's browser comes back here. It shows the
 * order's state as the database knows it and never changes an order: only
 * the server-to-server notification settles (spec §1).
 */
@Controller()
export class PageReturnController {
  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly signer: BaofooSigner,
    private readonly orders: PaymentOrderRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  async returnByGet(@Req() req: Request, @Res() res: TextReply): Promise<void> {
    await this.show(req, res);
  }

  @Post()
  async returnByPost(@Req() req: Request, @Res() res: TextReply): Promise<void> {
    await this.show(req, res);
  }

  private async show(req: Request, res: TextReply): Promise<void> {
    const { inbound, error } = await readNotificationRequest(req, req.socket?.remoteAddress ?? '', this.options);
    let fields;
    try {
      fields = error ? null : readNotification(inbound.params ?? {}).fields;
    } catch {
      fields = null;
    }
    if (!fields || !this.signer.checkPaymentResult(fields).valid) {
      sendText(res, 400, this.page('We could not read the payment result', 'Please check your order in your account.'), HTML);
      return;
    }
    const order = await this.orders.findByTransId(fields.MemberID, fields.TransID);
    const status = order?.status ?? 'UNKNOWN';
    if (this.options.notification.pageRedirectUrl) {
      const target = new URL(this.options.notification.pageRedirectUrl);
      target.searchParams.set('transId', fields.TransID);
      target.searchParams.set('status', status);
      this.adapterHost.httpAdapter.redirect(res, 303, target.toString());
      return;
    }
    const detail = order ? `Order ${order.transId}: ${formatYuan(order.orderMoney)} yuan.` : `Order ${fields.TransID}.`;
    sendText(res, 200, this.page(MESSAGES[status] ?? 'We could not find this order.', detail, status), HTML);
  }

  private page(title: string, detail: string, status = ''): string {
    return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1 data-status="${escapeHtml(status)}">${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`;
  }
}
