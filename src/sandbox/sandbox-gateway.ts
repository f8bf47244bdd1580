import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PaymentResultFields } from '../baofoo/protocol/index.ts';
import { FaultBook, type SandboxFaults } from './faults.ts';
import { Notifier, type DeliveryReport } from './notifier.ts';
import { applyOutcome, notifyAgain, OutcomeError, settleSilently, type SandboxOutcome, type SandboxSettlement } from './outcome.ts';
import { PaymentStore, viewPayment, type SandboxPayment, type SandboxPaymentView } from './payment.store.ts';
import {
  Recorder,
  type DeliveryKind,
  type DeliveryRecord,
  type NotificationRecord,
  type PayindexRecord,
  type QueryRecord,
  type RecordFilter,
  type SandboxRecord,
} from './recorder.ts';
import type { SandboxContext } from './sandbox.context.ts';
import { resolveSandboxOptions, type SandboxOptions } from './sandbox.options.ts';
import { createSandboxServer } from './sandbox.server.ts';

export interface PayOptions {
  /** Needed only when several merchants used the same TransID. */
  memberId?: string;
  /** Let the sandbox play the browser: it GETs PageUrl with the result (recorded as a `browser-return`). */
  browser?: boolean;
  /** Faults for this outcome only, over the global and per-TransID ones. */
  faults?: SandboxFaults;
}

export interface PayReceipt {
  payment: SandboxPaymentView;
  /** The signed result (before faults); absent for an abandoned payment. */
  fields?: PaymentResultFields;
  /** PageUrl with the result as a query string. */
  pageUrl?: string;
  /** Every delivery this outcome causes, once they have all ended. Never rejects. */
  deliveries: Promise<DeliveryReport[]>;
}

export interface WaitOptions {
  memberId?: string;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * A local Baofoo gateway on node:http (spec v4.0): `/payindex`, the cashier,
 * the notifier and `/order/query`, with switchable faults and a record of
 * everything. Start it with `startSandboxGateway()`.
 */
export class SandboxGateway {
  private stopped?: Promise<void>;

  /** @internal use startSandboxGateway() */
  constructor(
    private readonly ctx: SandboxContext,
    private readonly server: Server,
    /** Base URL, e.g. `http://127.0.0.1:3100`: the module's `sandbox` environment points here. */
    readonly url: string,
    readonly port: number,
  ) {}

  get payindexUrl(): string {
    return `${this.url}/payindex`;
  }

  get queryUrl(): string {
    return `${this.url}/order/query`;
  }

  payments(): SandboxPaymentView[] {
    return this.ctx.store.all().map(viewPayment);
  }

  payment(transId: string, memberId?: string): SandboxPaymentView | undefined {
    const p = this.ctx.store.find(transId, memberId);
    return p && viewPayment(p);
  }

  /** Everything recorded, in order; filter by type, TransID, MemberID. */
  records(filter: RecordFilter = {}): SandboxRecord[] {
    return this.ctx.recorder.list(filter);
  }

  /** Every request sent to ReturnUrl (each copy of each attempt). */
  notifications(transId?: string): NotificationRecord[] {
    return this.ctx.recorder.list({ type: 'notification', transId }) as NotificationRecord[];
  }

  queries(transId?: string): QueryRecord[] {
    return this.ctx.recorder.list({ type: 'query', transId }) as QueryRecord[];
  }

  /** Called for every new record; returns the unsubscribe function. */
  onRecord(listener: (record: SandboxRecord) => void): () => void {
    return this.ctx.recorder.subscribe(listener);
  }

  /** Replaces the global faults, or those of one TransID (which may not be submitted yet). `{}` clears. */
  setFaults(faults: SandboxFaults, scope?: { transId: string }): void {
    this.ctx.faults.set(faults, scope?.transId);
  }

  faults(): { global: SandboxFaults; perTransId: Record<string, SandboxFaults> } {
    return this.ctx.faults.snapshot();
  }

  /**
   * Decides a submitted payment without a browser: pay (optionally with a
   * prepaid card's face value or a forced FactMoney), fail with a ResultDesc, or
   * abandon. The notification runs in the background; await `deliveries` or
   * `waitForDelivery()`.
   */
  async pay(transId: string, outcome: SandboxOutcome = { result: 'paid' }, options: PayOptions = {}): Promise<PayReceipt> {
    const payment = this.find(transId, options.memberId);
    const applied = await applyOutcome(this.ctx, payment, outcome, { via: 'api', browser: options.browser ? 'visit' : 'none', faults: options.faults });
    return { payment: viewPayment(payment), fields: applied.fields, pageUrl: applied.pageUrl, deliveries: applied.deliveries };
  }

  fail(transId: string, resultDesc = '0000', options: PayOptions = {}): Promise<PayReceipt> {
    return this.pay(transId, { result: 'failed', resultDesc }, options);
  }

  abandon(transId: string, options: PayOptions = {}): Promise<PayReceipt> {
    return this.pay(transId, { result: 'abandoned' }, options);
  }

  /** Marks a submitted or abandoned order paid or failed for the query API only: no notification (a "lost" one). */
  settle(transId: string, settlement: SandboxSettlement, options: { memberId?: string } = {}): SandboxPaymentView {
    const payment = this.find(transId, options.memberId);
    settleSilently(this.ctx, payment, settlement);
    return viewPayment(payment);
  }

  /** Sends a decided order's result again (kind `resend`), as the gateway's periodic re-send does. */
  notifyAgain(transId: string, options: { memberId?: string; faults?: SandboxFaults } = {}): Promise<DeliveryReport[]> {
    return notifyAgain(this.ctx, this.find(transId, options.memberId), options.faults);
  }

  /** The first record, past or future, that satisfies the predicate. */
  waitForRecord<R extends SandboxRecord>(predicate: (r: SandboxRecord) => r is R, options?: { timeoutMs?: number; description?: string }): Promise<R>;
  waitForRecord(predicate: (r: SandboxRecord) => boolean, options?: { timeoutMs?: number; description?: string }): Promise<SandboxRecord>;
  waitForRecord(predicate: (r: SandboxRecord) => boolean, options: { timeoutMs?: number; description?: string } = {}): Promise<SandboxRecord> {
    return this.ctx.recorder.waitFor(predicate, options.timeoutMs ?? DEFAULT_WAIT_MS, options.description ?? 'a matching record');
  }

  /** Resolves when /payindex accepted this TransID. */
  waitForPayment(transId: string, options: WaitOptions = {}): Promise<PayindexRecord> {
    return this.waitForRecord(
      (r): r is PayindexRecord => r.type === 'payindex' && r.accepted && r.transId === transId && (options.memberId === undefined || r.memberId === options.memberId),
      { timeoutMs: options.timeoutMs, description: `the payment request of ${transId}` },
    );
  }

  /**
   * Resolves when a delivery of this order's result ends: `delivered` (answered
   * OK), `gave-up` (schedule exhausted), `dropped` (fault) or `cancelled` (stop).
   * `kind` picks the result itself (default), the out-of-order extra or a resend.
   */
  async waitForDelivery(transId: string, options: WaitOptions & { kind?: DeliveryKind } = {}): Promise<DeliveryReport> {
    const kind = options.kind ?? 'result';
    const end = await this.waitForRecord(
      (r): r is DeliveryRecord => r.type === 'delivery' && r.transId === transId && r.kind === kind && (options.memberId === undefined || r.memberId === options.memberId),
      { timeoutMs: options.timeoutMs, description: `the end of the ${kind} notification of ${transId}` },
    );
    const attempts = this.notifications(transId).filter((n) => n.deliveryId === end.deliveryId);
    return { deliveryId: end.deliveryId, kind: end.kind, memberId: end.memberId, transId, outcome: end.outcome, attempts };
  }

  /** Resolves on the next (or a past) order query of this TransID. */
  waitForQuery(transId: string, options: WaitOptions = {}): Promise<QueryRecord> {
    return this.waitForRecord(
      (r): r is QueryRecord => r.type === 'query' && r.transId === transId && (options.memberId === undefined || r.memberId === options.memberId),
      { timeoutMs: options.timeoutMs, description: `an order query of ${transId}` },
    );
  }

  /** Cancels pending notifications, closes the server; idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.ctx.notifier.stop();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      this.ctx.recorder.close();
      this.ctx.options.log('sandbox stopped');
    })();
    return this.stopped;
  }

  private find(transId: string, memberId?: string): SandboxPayment {
    const payment = this.ctx.store.find(transId, memberId);
    if (!payment) throw new OutcomeError('UNKNOWN_ORDER', `no order ${transId} was submitted to the sandbox`);
    return payment;
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the sandbox on `options.port` (a free port by default) and resolves once it listens. */
export async function startSandboxGateway(options: SandboxOptions = {}): Promise<SandboxGateway> {
  const resolved = resolveSandboxOptions(options);
  const recorder = new Recorder();
  const merchants = new Map(resolved.merchants.map((m) => [`${m.memberId}/${m.terminalId}`, m]));
  const ctx: SandboxContext = {
    options: resolved,
    store: new PaymentStore(),
    faults: new FaultBook(resolved.faults),
    recorder,
    notifier: new Notifier({ retryDelaysMs: resolved.retryDelaysMs, timeoutMs: resolved.notifyTimeoutMs, labelCharset: resolved.labelCharset, recorder, log: resolved.log }),
    findMerchant: (memberId, terminalId) => merchants.get(`${memberId}/${terminalId}`),
  };
  let url = '';
  const server = createSandboxServer(ctx, () => url);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${hostForUrl(resolved.host)}:${port}`;
  resolved.log(`sandbox listening on ${url}`);
  return new SandboxGateway(ctx, server, url, port);
}
