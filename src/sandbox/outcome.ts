import {
  FAILURE_RESULT_DESCS,
  findProduct,
  formatTradeTime,
  renderForm,
  renderPaymentResult,
  SUCCESS_RESULT_DESC,
  type BaofooCharset,
  type Fen,
  type PaymentResultFields,
} from '../baofoo/protocol/index.ts';
import { mergeFaults, type SandboxFaults } from './faults.ts';
import { appendQuery, describeFetchError } from './http.util.ts';
import type { DeliveryReport } from './notifier.ts';
import type { SandboxPayment } from './payment.store.ts';
import type { DeliveryKind } from './recorder.ts';
import type { SandboxContext } from './sandbox.context.ts';
import { logText } from '../baofoo/protocol/log-text.ts';

/** What the shopper (or the test) decides at the cashier. */
export type SandboxOutcome =
  | {
      result: 'paid';
      /** The bank chosen at the cashier when the merchant sent an empty PayID (default 3001). */
      payId?: string;
      /** Prepaid cards: the card's face value in fen, one of the product's; becomes FactMoney. */
      faceValue?: Fen;
      /** Forces FactMoney (any amount, to test the merchant's amount checks); overrides faceValue. */
      factMoney?: Fen;
    }
  | { result: 'failed'; /** One of the failure codes of spec §5; 0000 by default. */ resultDesc?: string; payId?: string }
  | { result: 'abandoned' };

/** A decision recorded without any notification (models a notification that never came). */
export type SandboxSettlement = { result: 'paid'; factMoney?: Fen; payId?: string } | { result: 'failed'; resultDesc?: string; payId?: string };

export class OutcomeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutcomeError';
  }
}

/** The failure the out-of-order fault sends besides the success. */
const OUT_OF_ORDER_RESULT_DESC = '0001';
const DEFAULT_BANK = '3001';

/** How the browser leaves the cashier: a redirect to a real browser, a visit by the sandbox itself, or none (API). */
export type BrowserMode = 'redirect' | 'visit' | 'none';

export interface AppliedOutcome {
  payment: SandboxPayment;
  /** The signed result (before faults); absent for an abandoned payment. */
  fields?: PaymentResultFields;
  /** PageUrl with the result as a query string: where the browser goes. */
  pageUrl?: string;
  /** Every delivery the outcome causes, when they have all ended; [] for none. Never rejects. */
  deliveries: Promise<DeliveryReport[]>;
}

function decide(payment: SandboxPayment, outcome: SandboxOutcome | SandboxSettlement, ctx: SandboxContext): void {
  if (payment.state === 'paid' || payment.state === 'failed') {
    throw new OutcomeError('ALREADY_DECIDED', `order ${payment.request.TransID} is already ${payment.state}`);
  }
  if (outcome.result === 'abandoned') {
    if (payment.state !== 'submitted') throw new OutcomeError('ALREADY_DECIDED', `order ${payment.request.TransID} is already ${payment.state}`);
    payment.state = 'abandoned';
    payment.decidedAt = new Date().toISOString();
    return;
  }
  const requested = payment.request.PayID;
  const payId = outcome.payId ?? (requested === '' ? DEFAULT_BANK : requested);
  if (requested === '') {
    const kind = findProduct(payId)?.kind;
    if (kind !== 'debit' && kind !== 'credit') throw new OutcomeError('BAD_OUTCOME', `payId ${payId} is not a bank of the cashier`);
  } else if (payId !== requested) {
    throw new OutcomeError('BAD_OUTCOME', `the merchant fixed PayID ${requested}; payId ${payId} cannot be used`);
  }
  let factMoney = 0;
  let resultDesc: string = SUCCESS_RESULT_DESC;
  if (outcome.result === 'paid') {
    factMoney = payment.orderMoney;
    const faceValue = 'faceValue' in outcome ? outcome.faceValue : undefined;
    if (faceValue !== undefined) {
      const product = findProduct(payId);
      if (product?.kind !== 'prepaid-card') throw new OutcomeError('BAD_OUTCOME', `faceValue applies to prepaid cards only, not PayID ${payId}`);
      if (!product.faceValuesFen?.includes(faceValue)) throw new OutcomeError('BAD_OUTCOME', `${faceValue} fen is not a face value of ${product.name}`);
      factMoney = faceValue;
    }
    if (outcome.factMoney !== undefined) {
      if (!Number.isSafeInteger(outcome.factMoney) || outcome.factMoney < 0) throw new OutcomeError('BAD_OUTCOME', 'factMoney must be a whole number of fen');
      factMoney = outcome.factMoney;
    }
  } else {
    resultDesc = outcome.resultDesc ?? '0000';
    if (!(FAILURE_RESULT_DESCS as readonly string[]).includes(resultDesc)) throw new OutcomeError('BAD_OUTCOME', `${resultDesc} is not a failure ResultDesc`);
  }
  payment.state = outcome.result;
  payment.payId = payId;
  payment.factMoney = factMoney;
  payment.resultDesc = resultDesc;
  payment.succTime = formatTradeTime(ctx.options.clock(), ctx.options.timeZone);
  payment.decidedAt = new Date().toISOString();
}

/** The signed result of a decided payment, as the gateway sends it. */
export function resultFields(payment: SandboxPayment, charset: BaofooCharset, failureInstead = false): PaymentResultFields {
  const r = payment.request;
  const succeeded = payment.state === 'paid' && !failureInstead;
  return renderPaymentResult(
    {
      memberId: r.MemberID,
      terminalId: r.TerminalID,
      transId: r.TransID,
      succeeded,
      resultDesc: failureInstead ? OUT_OF_ORDER_RESULT_DESC : payment.resultDesc!,
      factMoney: failureInstead ? 0 : payment.factMoney!,
      additionalInfo: r.AdditionalInfo,
      succTime: payment.succTime!,
    },
    payment.merchant.key,
    charset,
  );
}

function corrupt(sign: string): string {
  return (sign[0] === '0' ? '1' : '0') + sign.slice(1);
}

function withFaults(fields: PaymentResultFields, faults: SandboxFaults, forServer: boolean): Record<string, string> {
  const out: Record<string, string> = { ...fields };
  if (forServer && faults.corruptSignature) out.Md5Sign = corrupt(fields.Md5Sign);
  return { ...out, ...faults.extraFields };
}

/** Starts the notification(s) of a decided payment, one delivery after the other. */
function startDeliveries(ctx: SandboxContext, payment: SandboxPayment, faults: SandboxFaults, extraDelayMs: number, resend = false): { first: Promise<void>; all: Promise<DeliveryReport[]> } {
  const charset = faults.charset ?? payment.merchant.charset;
  const target = {
    memberId: payment.request.MemberID,
    transId: payment.request.TransID,
    returnUrl: payment.request.ReturnUrl,
    method: faults.notifyMethod ?? ctx.options.notifyMethod,
    charset,
  };
  const main = { kind: (resend ? 'resend' : 'result') as DeliveryKind, fields: withFaults(resultFields(payment, charset), faults, true) };
  const steps = [main];
  if (!resend && payment.state === 'paid' && faults.outOfOrder) {
    const failure = { kind: 'out-of-order' as DeliveryKind, fields: withFaults(resultFields(payment, charset, true), faults, true) };
    if (faults.outOfOrder === 'failure-after-success') steps.push(failure);
    else steps.unshift(failure);
  }
  let firstDone!: () => void;
  const first = new Promise<void>((resolve) => (firstDone = resolve));
  const all = ctx.notifier.track(
    (async () => {
      const reports: DeliveryReport[] = [];
      for (const [i, step] of steps.entries()) {
        const delivery = ctx.notifier.deliver(target, step.fields, {
          kind: step.kind,
          duplicates: faults.duplicates ?? 1,
          initialDelayMs: i === 0 ? (faults.delayMs ?? 0) + extraDelayMs : 0,
          drop: faults.dropNotification === true,
        });
        if (i === 0) void delivery.firstAttempt.then(firstDone);
        reports.push(await delivery.done);
      }
      return reports;
    })().finally(() => firstDone()),
  );
  return { first, all };
}

async function visit(ctx: SandboxContext, payment: SandboxPayment, url: string): Promise<void> {
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(ctx.options.notifyTimeoutMs) });
    status = res.status;
    await res.arrayBuffer();
  } catch (e) {
    error = describeFetchError(e);
  }
  ctx.recorder.add({ type: 'browser-return', memberId: payment.request.MemberID, transId: payment.request.TransID, via: 'api', url, status, error });
}

/**
 * Applies the shopper's decision: records it, starts the notification with
 * its faults and works out the browser's return, in the order the
 * `notifyTiming` fault asks for. Resolves when the browser may leave.
 */
export async function applyOutcome(
  ctx: SandboxContext,
  payment: SandboxPayment,
  outcome: SandboxOutcome,
  how: { via: 'cashier' | 'api'; browser: BrowserMode; faults?: SandboxFaults },
): Promise<AppliedOutcome> {
  decide(payment, outcome, ctx);
  const faults = mergeFaults(ctx.faults.effective(payment.request.TransID), how.faults);
  const r = payment.request;
  payment.notified = outcome.result !== 'abandoned' && !faults.dropNotification;
  ctx.recorder.add({
    type: 'outcome',
    memberId: r.MemberID,
    transId: r.TransID,
    result: payment.state as 'paid' | 'failed' | 'abandoned',
    via: how.via,
    payId: payment.payId ?? r.PayID,
    factMoney: payment.factMoney ?? 0,
    resultDesc: payment.resultDesc ?? '',
    notified: payment.notified,
  });
  ctx.options.log(`order ${logText(r.TransID)} of ${logText(r.MemberID)}: ${payment.state} (${how.via})`);
  if (outcome.result === 'abandoned') return { payment, deliveries: Promise.resolve([]) };

  const charset = faults.charset ?? payment.merchant.charset;
  const fields = resultFields(payment, charset);
  const pageUrl = appendQuery(r.PageUrl, renderForm(withFaults(fields, faults, false), charset));
  const timing = how.browser === 'none' ? 'with-browser' : (faults.notifyTiming ?? 'with-browser');
  const record = () => ctx.recorder.add({ type: 'browser-return', memberId: r.MemberID, transId: r.TransID, via: 'redirect', url: pageUrl, status: null, error: null });

  let deliveries: Promise<DeliveryReport[]>;
  if (timing === 'after-browser') {
    if (how.browser === 'visit') await visit(ctx, payment, pageUrl);
    else record();
    deliveries = startDeliveries(ctx, payment, faults, how.browser === 'redirect' ? ctx.options.browserLeadMs : 0).all;
  } else {
    const started = startDeliveries(ctx, payment, faults, 0);
    deliveries = started.all;
    if (timing === 'before-browser') await started.first;
    if (how.browser === 'visit') await visit(ctx, payment, pageUrl);
    else if (how.browser === 'redirect') record();
  }
  return { payment, fields, pageUrl, deliveries };
}

/** Marks an order paid or failed for the query API without notifying anyone. */
export function settleSilently(ctx: SandboxContext, payment: SandboxPayment, settlement: SandboxSettlement): void {
  decide(payment, settlement, ctx);
  payment.notified = false;
  const r = payment.request;
  ctx.recorder.add({
    type: 'outcome',
    memberId: r.MemberID,
    transId: r.TransID,
    result: payment.state as 'paid' | 'failed',
    via: 'settle',
    payId: payment.payId!,
    factMoney: payment.factMoney!,
    resultDesc: payment.resultDesc!,
    notified: false,
  });
  ctx.options.log(`order ${logText(r.TransID)} of ${logText(r.MemberID)}: ${payment.state} (settled silently)`);
}

/** Sends a decided payment's result again (the gateway's periodic re-send), with the current faults. */
export function notifyAgain(ctx: SandboxContext, payment: SandboxPayment, faults?: SandboxFaults): Promise<DeliveryReport[]> {
  if (payment.state !== 'paid' && payment.state !== 'failed') throw new OutcomeError('NOT_DECIDED', `order ${payment.request.TransID} is ${payment.state}: there is no result to send`);
  payment.notified = true;
  return startDeliveries(ctx, payment, mergeFaults(ctx.faults.effective(payment.request.TransID), faults), 0, true).all;
}
