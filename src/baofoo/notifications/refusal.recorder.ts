import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { outboxEntry } from '../events/outbox-entry.ts';
import { PaymentOrderRepository, type OrderRow } from '../orders/payment-order.repository.ts';
import type { Clock } from '../protocol/trade-time.ts';
import type { InboundRequest, NotificationAnswer, VerifiedNotification } from './inbound-notification.ts';
import { cut, ledgerIdentity, METHOD_CHARACTERS } from './ledger-identity.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import { logText } from '../protocol/log-text.ts';
import { RefusalCountStore } from './refusal-count.store.ts';
import { RefusalTally, type RefusalCount, type RefusalSample } from './refusal-tally.ts';
import type { NotificationRefusal } from './notification-refusal.ts';

/**
 * Refusals whose answer must not say which check failed: an outsider probing
 * merchant ids learns nothing from the answer (the counts and samples keep
 * the real code).
 */
const UNVERIFIED = new Set(['MERCHANT_UNKNOWN', 'SIGNATURE_INVALID']);

/** Count rows per flush statement. */
const FLUSH_BATCH = 500;

/**
 * The one place refusals are recorded. Before a valid signature anyone can
 * send anything, so such refusals are only counted in memory (bounded) and
 * written by a periodic flush: one row per window, source and reason, plus a
 * few whole samples per source; no event, no write on the request's path, so
 * a flood never slows a real notification. A refused notification that was
 * signed by a configured merchant is written at once, one ledger row and one
 * `baofoo.notification.rejected` event each.
 */
@Injectable()
export class RefusalRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('BaofooNotifications');
  private readonly tally: RefusalTally;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly orders: PaymentOrderRepository,
    private readonly store: RefusalCountStore,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {
    const r = options.notification.refusals;
    this.tally = new RefusalTally({ windowMs: r.windowSeconds * 1000, samplesPerSource: r.samplesPerSource, maxSources: r.maxSources, maxPendingSamples: r.maxPendingSamples });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.flush().catch((e: unknown) => this.logger.error(`refusal flush failed: ${(e as Error).message}`)), this.options.notification.refusals.flushIntervalMs);
    this.timer.unref();
  }

  // Before, not on, shutdown: the DataSource closes in its own onApplicationShutdown.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Counts a refusal made before any signature verified and returns its answer; never waits for the database. */
  refuseUnverified(refusal: NotificationRefusal): NotificationAnswer {
    const inbound = refusal.inbound;
    const sourceIp = cut(inbound.sourceIp) ?? '';
    this.tally.note({
      at: this.clock(),
      sourceIp,
      reasonCode: refusal.code,
      method: cut(inbound.method, METHOD_CHARACTERS) ?? '',
      rawBody: inbound.rawBody,
      sample: () => this.entry(inbound, refusal.code, refusal.message, refusal.status),
    });
    this.observation.observer.refusedUnverified(refusal.code);
    if (refusal.status >= 500) this.logger.error(`notification refused (${refusal.code}) from ${logText(sourceIp)}: ${logText(refusal.message)}`);
    return UNVERIFIED.has(refusal.code) ? { status: 400, body: 'FAIL UNVERIFIED' } : { status: refusal.status, body: `FAIL ${refusal.code}` };
  }

  /**
   * Records a refused notification that a configured merchant's key signed
   * (ledger row + `baofoo.notification.rejected`) and returns its answer, never `OK`.
   */
  async recordSigned(req: VerifiedNotification, code: string, reason: string, status: number, order?: OrderRow): Promise<NotificationAnswer> {
    const entry: LedgerEntry = { ...this.entry(req, code, reason, status, order), keyId: req.keyId };
    const event = outboxEntry(
      'baofoo.notification.rejected',
      {
        orderId: order?.id ?? null,
        // Cut like the ledger's: a refused request's fields can be any length, the outbox's trans_id cannot.
        transId: entry.transId,
        memberId: entry.memberId,
        terminalId: entry.terminalId,
        orderMoney: order?.orderMoney ?? null,
        factMoney: null,
        status: order?.status ?? null,
        previousStatus: null,
        source: 'notification',
      },
      this.clock(),
      { reasonCode: code, reason, sourceIp: entry.sourceIp },
    );
    await this.orders.record(entry, [event]);
    this.logger.warn(`signed notification rejected (${code}) from ${logText(req.sourceIp)}: ${logText(reason)}`);
    return { status, body: `FAIL ${code}` };
  }

  /**
   * Writes what was counted since the last flush, in bounded batches. Runs
   * every `refusals.flushIntervalMs` and at shutdown; a failed write keeps
   * the counts for the next flush.
   */
  flush(): Promise<void> {
    // One flush at a time; a flush that failed in an unexpected way must not stop the next.
    this.flushing = this.flushing.catch(() => undefined).then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const { counts, samples } = this.tally.drain();
    for (let i = 0; i < Math.max(counts.length, samples.length); i += FLUSH_BATCH) {
      const part = counts.slice(i, i + FLUSH_BATCH);
      const sampled = samples.slice(i, i + FLUSH_BATCH);
      try {
        await this.writeBatch(part, sampled);
      } catch (e) {
        this.tally.restore(counts.slice(i), samples.slice(i));
        this.logger.error(`refusal counts not written, kept for the next flush: ${(e as Error).message}`);
        return;
      }
    }
    if (counts.length > 0) {
      const total = counts.reduce((n, c) => n + c.count, 0);
      this.logger.warn(`refused ${total} unverified notification(s): ${logText(counts.map((c) => `${c.reasonCode} from ${c.sourceIp}: ${c.count}`).join('; '), 500)}`);
    }
  }

  /**
   * One batch. A sample the ledger refuses as data (SQLSTATE class 22: a value too long, a bad
   * character) would be refused at every flush and hold back every count behind it, so such a
   * batch is written again with its counts alone, and its samples are given up, said in the log.
   */
  private async writeBatch(part: readonly RefusalCount[], sampled: readonly RefusalSample[]): Promise<void> {
    try {
      await this.store.write(part, sampled);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (sampled.length === 0 || typeof code !== 'string' || !code.startsWith('22')) throw e;
      await this.store.write(part, []);
      this.logger.error(`${sampled.length} refusal sample(s) not recorded, their counts written: ${(e as Error).message}`);
    }
  }

  private entry(req: InboundRequest, code: string, reason: string, status: number, order?: OrderRow): LedgerEntry {
    return { ...ledgerIdentity(req, order), verdict: 'rejected', reasonCode: code, reason, keyId: null, fromStatus: null, toStatus: null, httpStatus: status };
  }
}
