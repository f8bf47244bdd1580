import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PRODUCTS } from '../baofoo/protocol/products.ts';
import { CheckoutService, type CheckoutRequest } from './checkout.service.ts';
import { OrderViewService } from './order-view.service.ts';
import { notFoundPage, orderPage, ordersPage, productPage } from './shop.pages.ts';

const BANKS = PRODUCTS.filter((p) => p.kind === 'debit' || p.kind === 'credit');

/** The shop's HTML pages. */
@Controller()
export class ShopController {
  constructor(
    private readonly checkoutService: CheckoutService,
    private readonly orders: OrderViewService,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(): string {
    return productPage(BANKS);
  }

  /** Answers the self-submitting form: the browser goes straight on to the gateway. */
  @Post('checkout')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async checkout(@Body() body: CheckoutRequest): Promise<string> {
    return (await this.checkoutService.checkout(body ?? { orderMoney: undefined })).html;
  }

  /** Where the module's page-return route sends the shopper (BAOFOO_PAGE_REDIRECT_URL). */
  @Get('shop/return')
  backFromGateway(@Query('transId') transId: string | undefined, @Res() res: Response): void {
    res.redirect(303, transId ? `/orders/${encodeURIComponent(transId)}` : '/orders');
  }

  @Get('orders')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async list(): Promise<string> {
    return ordersPage(await this.orders.recent());
  }

  @Get('orders/:transId')
  async order(@Param('transId') transId: string, @Res() res: Response): Promise<void> {
    const order = await this.orders.find(transId);
    res.type('html').set('Cache-Control', 'no-store');
    if (!order) res.status(404).send(notFoundPage(transId));
    else res.status(200).send(orderPage(order));
  }
}
