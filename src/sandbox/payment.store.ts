import { randomBytes } from 'node:crypto';
import type { Fen, PaymentRequestFields } from '../baofoo/protocol/index.ts';
import type { SandboxMerchant } from './sandbox.options.ts';

export type SandboxPaymentState = 'submitted' | 'paid' | 'failed' | 'abandoned';

/** One order accepted at /payindex and what became of it. */
export interface SandboxPayment {
  /** Unguessable id of the cashier page (`/cashier/{token}`). */
  readonly token: string;
  readonly merchant: Readonly<Required<SandboxMerchant>>;
  readonly request: Readonly<PaymentRequestFields>;
  readonly orderMoney: Fen;
  readonly submittedAt: string;
  state: SandboxPaymentState;
  /** The product actually used (the shopper's bank choice when PayID was empty). */
  payId?: string;
  factMoney?: Fen;
  resultDesc?: string;
  /** `yyyyMMddHHmmss` in the gateway's zone, set with the outcome. */
  succTime?: string;
  decidedAt?: string;
  /** Whether the result was announced to ReturnUrl (false for a silent settlement). */
  notified: boolean;
}

/** What the programmatic API and `GET /_sandbox/payments` show: no key. */
export interface SandboxPaymentView {
  memberId: string;
  terminalId: string;
  transId: string;
  cashierPath: string;
  state: SandboxPaymentState;
  orderMoney: Fen;
  requestedPayId: string;
  payId: string | null;
  factMoney: Fen | null;
  resultDesc: string | null;
  succTime: string | null;
  submittedAt: string;
  decidedAt: string | null;
  notified: boolean;
  request: Readonly<Record<string, string>>;
}

export function viewPayment(p: SandboxPayment): SandboxPaymentView {
  return {
    memberId: p.request.MemberID,
    terminalId: p.request.TerminalID,
    transId: p.request.TransID,
    cashierPath: `/cashier/${p.token}`,
    state: p.state,
    orderMoney: p.orderMoney,
    requestedPayId: p.request.PayID,
    payId: p.payId ?? null,
    factMoney: p.factMoney ?? null,
    resultDesc: p.resultDesc ?? null,
    succTime: p.succTime ?? null,
    submittedAt: p.submittedAt,
    decidedAt: p.decidedAt ?? null,
    notified: p.notified,
    request: { ...p.request },
  };
}

export class PaymentStore {
  private readonly byKey = new Map<string, SandboxPayment>();
  private readonly byToken = new Map<string, SandboxPayment>();

  private static key(memberId: string, transId: string): string {
    return `${memberId}/${transId}`;
  }

  has(memberId: string, transId: string): boolean {
    return this.byKey.has(PaymentStore.key(memberId, transId));
  }

  add(merchant: Readonly<Required<SandboxMerchant>>, request: Readonly<PaymentRequestFields>, orderMoney: Fen): SandboxPayment {
    const payment: SandboxPayment = {
      token: randomBytes(16).toString('hex'),
      merchant,
      request,
      orderMoney,
      submittedAt: new Date().toISOString(),
      state: 'submitted',
      notified: false,
    };
    this.byKey.set(PaymentStore.key(request.MemberID, request.TransID), payment);
    this.byToken.set(payment.token, payment);
    return payment;
  }

  get(memberId: string, transId: string): SandboxPayment | undefined {
    return this.byKey.get(PaymentStore.key(memberId, transId));
  }

  byCashierToken(token: string): SandboxPayment | undefined {
    return this.byToken.get(token);
  }

  /** By TransID alone when it names one order; pass memberId when several merchants used it. */
  find(transId: string, memberId?: string): SandboxPayment | undefined {
    if (memberId !== undefined) return this.get(memberId, transId);
    const found = [...this.byKey.values()].filter((p) => p.request.TransID === transId);
    if (found.length > 1) throw new Error(`TransID ${transId} was submitted by several merchants: say which memberId`);
    return found[0];
  }

  all(): SandboxPayment[] {
    return [...this.byKey.values()];
  }
}
