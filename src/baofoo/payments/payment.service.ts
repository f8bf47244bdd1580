import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { onBoundDomain, urlHost } from '../config/bound-domains.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { MountedRoutes } from '../mounted-routes.ts';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import { paymentRequestViolations, type PaymentForm, type PaymentRequestInput } from '../protocol/payment-request.ts';
import { findProduct } from '../protocol/products.ts';
import { formatTradeTime, type Clock } from '../protocol/trade-time.ts';
import { generateTransId } from '../protocol/trans-id.ts';
import { BaofooSigner } from '../signing/baofoo-signer.service.ts';
import { CreatePaymentDto } from './create-payment.dto.ts';
import { PaymentRequestError } from './payment-request.error.ts';

// Re-exported so the public index keeps its import path.
export { PaymentRequestError };

export interface CreatedPayment {
  order: OrderRow;
  /** The signed form: post it from the shopper's browser (`form.html` does so by itself). */
  form: PaymentForm;
}

/** Stores a PENDING order and returns the signed form that takes the shopper to the gateway. */
@Injectable()
export class PaymentService {
  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly orders: PaymentOrderRepository,
    private readonly signer: BaofooSigner,
    private readonly routes: MountedRoutes,
  ) {}

  async createPayment(request: CreatePaymentDto): Promise<CreatedPayment> {
    const dto = plainToInstance(CreatePaymentDto, request ?? {});
    const violations = validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message })));
    const input = this.input(dto);
    violations.push(...paymentRequestViolations(input), ...this.domainViolations(input));
    if (dto.payId !== undefined && !findProduct(dto.payId)) violations.push({ field: 'payId', message: `${dto.payId} is not a PayID of the catalog` });
    if (violations.length > 0) {
      throw new PaymentRequestError('PAYMENT_REQUEST_INVALID', violations.map((v) => `${v.field}: ${v.message}`).join('; '), { violations });
    }
    const form = this.signer.paymentForm(input);
    const now = this.clock();
    const order = await this.orders.insertPending({
      memberId: input.memberId,
      terminalId: input.terminalId,
      transId: input.transId,
      payId: input.payId,
      tradeDate: input.tradeDate,
      orderMoney: input.orderMoney,
      productName: input.productName ?? '',
      additionalInfo: input.additionalInfo ?? '',
      pageUrl: input.pageUrl,
      returnUrl: input.returnUrl,
      nextQueryAt: new Date(now.getTime() + this.options.reconciliation.firstQueryAfterSeconds * 1000),
    }).catch((e: { code?: string }) => {
      if (e?.code === '23505') throw new PaymentRequestError('TRANS_ID_TAKEN', `TransID ${input.transId} is already used`, { transId: input.transId });
      throw e;
    });
    return { order, form };
  }

  private input(dto: CreatePaymentDto): PaymentRequestInput {
    // The first configured merchant matching what was given (a TerminalID alone picks its terminal, not the first one).
    const merchant = this.options.keyRing.merchants.find((m) => (!dto.memberId || m.memberId === dto.memberId) && (!dto.terminalId || m.terminalId === dto.terminalId));
    if (!merchant) throw new PaymentRequestError('MERCHANT_UNKNOWN', `merchant ${dto.memberId}/${dto.terminalId ?? '*'} is not configured`);
    const base = this.options.notification.publicBaseUrl ?? '';
    return {
      memberId: merchant.memberId,
      terminalId: merchant.terminalId,
      payId: dto.payId ?? '',
      tradeDate: formatTradeTime(this.clock(), this.options.timeZone),
      transId: dto.transId ?? generateTransId(this.clock),
      orderMoney: dto.orderMoney,
      productName: dto.productName,
      username: dto.username,
      additionalInfo: dto.additionalInfo,
      pageUrl: dto.pageUrl ?? `${base}${this.routes.pagePath}`,
      returnUrl: dto.returnUrl ?? `${base}${this.routes.notificationPath}`,
    };
  }

  /** The gateway only serves the merchant's bound domains (spec §7.5); refuse others before the shopper is sent off. */
  private domainViolations(input: PaymentRequestInput): { field: string; message: string }[] {
    const bound = this.options.boundDomains;
    if (bound.length === 0) return [];
    return (['pageUrl', 'returnUrl'] as const)
      .filter((f) => !onBoundDomain(input[f], bound))
      .map((field) => ({ field, message: `${urlHost(input[field]) || input[field]} is not on a bound domain (${bound.join(', ')})` }));
  }
}
