import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CheckoutService, type CheckoutRequest } from './checkout.service.ts';
import { OrderViewService, type OrderView } from './order-view.service.ts';

/** The JSON API the pages use and scripts can call. */
@Controller('api/orders')
export class OrdersApiController {
  constructor(
    private readonly checkout: CheckoutService,
    private readonly orders: OrderViewService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: CheckoutRequest): Promise<{ transId: string; form: { action: string; fields: Record<string, string> } }> {
    const { transId, form } = await this.checkout.checkout(body ?? { orderMoney: undefined });
    return { transId, form };
  }

  @Get()
  list(): Promise<OrderView[]> {
    return this.orders.recent();
  }

  @Get(':transId')
  async get(@Param('transId') transId: string): Promise<OrderView> {
    const order = await this.orders.find(transId);
    if (!order) throw new NotFoundException(`no order ${transId}`);
    return order;
  }
}
