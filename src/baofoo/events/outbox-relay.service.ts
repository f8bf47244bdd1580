import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, EventEmitterReadinessWatcher } from '@nestjs/event-emitter';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import type { BaofooEvent } from './baofoo-events.ts';
import { deadLetterEvent } from './dead-letter-event.ts';
import { planDelivery, settleDelivery, type DeliveryState, type ListenerResult, type SettledEvent } from './delivery-plan.ts';
import { EventListenerRegistry } from './event-listener-registry.service.ts';
import { LagWindow } from './lag-window.ts';
import { callWithTimeout, describeFailure } from './listener-call.ts';
import { BAOFOO_OUTBOX_TUNING, type OutboxTuning } from './outbox.constants.ts';
import { outboxRow } from './outbox-row.ts';
import { claimDueEvents, finishEvents, insertOutboxRows, loadDeliveryStates, saveDeliveries, type ClaimedEvent, type EventDeliveryWrite } from './outbox-store.ts';
import { OutboxWakeup } from './outbox-wakeup.ts';
import { connectionSettingsOf, pgPoolOf } from './pg-pool.ts';

interface Pass {
  readonly client: pg.PoolClient;
  readonly abort: AbortController;
  released: boolean;
}

/** A listener that gave up, reported once its pass has committed. */
interface DeadLetterReport {
  eventId: string;
  type: string;
  listener: string;
  attempts: number;
  lastError: string | null;
}

/**
 * Delivers committed outbox events to the app's listeners, at least once.
 *
 * A pass is one transaction: claim due events with `FOR UPDATE SKIP LOCKED`,
 * call each due `@OnBaofooEvent` listener (awaited, with a timeout), record
 * every listener's outcome, mark finished events delivered, commit. The row
 * locks are held for the whole pass, so two relays never deliver one event at
 * once, and a relay that dies mid-pass loses its connection, which rolls the
 * pass back and frees the rows for the next poll of any relay: nothing is lost.
 *
 * Passes run when a NOTIFY from the outbox's insert trigger arrives, and
 * every `outbox.pollIntervalMs` whatever happens (retries that came due, a
 * lost LISTEN connection, another instance that died holding rows).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooOutbox');
  private readonly lag = new LagWindow();
  private pool: pg.Pool | null = null;
  private wakeup: OutboxWakeup | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private begun: Promise<void> = Promise.resolve();
  private current: Pass | null = null;
  private again = false;
  private started = false;
  private stopped = false;
  private failing = false;
  private delivered = 0;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_OUTBOX_TUNING) private readonly tuning: OutboxTuning,
    private readonly registry: EventListenerRegistry,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
    @Optional() @Inject(EventEmitter2) private readonly emitter?: EventEmitter2,
    @Optional() @Inject(EventEmitterReadinessWatcher) private readonly emitterReady?: EventEmitterReadinessWatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox.enabled) {
      this.logger.log('outbox relay disabled in this process (outbox.enabled = false)');
      return;
    }
    if (!this.dataSource) throw new Error('the Baofoo outbox relay needs TypeORM: import TypeOrmModule.forRoot(baofooPostgresOptions({ url })) in the app');
    this.pool = pgPoolOf(this.dataSource);
    // Listener names are checked now, so a clash stops the boot instead of a delivery.
    this.registry.all();
    this.started = true;
    this.stopped = false;
    this.begun = this.begin();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Whether this process delivers events, and whether NOTIFY wake-ups reach it. */
  get state(): { running: boolean; listening: boolean } {
    return { running: this.started && !this.stopped, listening: this.wakeup?.listening ?? false };
  }

  /** Resolves once NOTIFY wake-ups reach this relay (polling works before that, and without it). */
  async whenListening(): Promise<void> {
    await this.begun;
    await this.wakeup?.listeningOnce;
  }

  /** Resolves when the passes running now have committed (or failed): what listeners did is then on record. */
  async settled(): Promise<void> {
    await this.draining;
  }

  /** p99 of the commit→listener lag of first deliveries over the last minutes, in ms; null before any. */
  lagP99Ms(): number | null {
    return this.lag.percentile(99);
  }

  /** Recent commit→listener lags in ms, for benchmarks. */
  lagSamples(): number[] {
    return this.lag.samples();
  }

  /** Events this process finished delivering since it started. */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** Runs a pass now (and more while events keep coming) instead of at the next poll. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.schedulePoll();
    });
  }

  /**
   * Stops the relay: no new pass; a pass in flight gets `shutdownGraceMs` to
   * finish, then its connection is cut so the database rolls it back and
   * another relay delivers its events.
   */
  async stop(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.wakeup?.stop();
    const draining = this.draining;
    if (!draining) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      draining.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.tuning.shutdownGraceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn(`stopping with a pass still running after ${this.tuning.shutdownGraceMs} ms: rolling it back, its events will be delivered again`);
      this.abort(this.current);
    }
  }

  private async begin(): Promise<void> {
    // @OnEvent subscribers are attached during bootstrap too: wait for them, so the first events reach them.
    await this.emitterReady?.waitUntilReady().catch(() => undefined);
    if (this.stopped || !this.pool) return;
    this.wakeup = new OutboxWakeup(connectionSettingsOf(this.pool, 'baofoo-outbox-listen'), () => this.wake(), this.tuning.reconnectMs, this.logger);
    this.wakeup.start();
    this.wake();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.wake();
    }, this.options.outbox.pollIntervalMs);
    this.pollTimer.unref();
  }

  private async drain(): Promise<void> {
    try {
      let claimed: number;
      do {
        this.again = false;
        claimed = await this.pass();
      } while (!this.stopped && (claimed === this.tuning.batchSize || this.again));
      if (this.failing) this.logger.log('outbox relay recovered');
      this.failing = false;
    } catch (e) {
      if (this.stopped) return;
      // One warning per outage, not one per poll.
      if (!this.failing) this.logger.warn(`outbox relay pass failed, retrying every ${this.options.outbox.pollIntervalMs} ms: ${describeFailure(e, 500)}`);
      this.failing = true;
    }
  }

  private async pass(): Promise<number> {
    const pool = this.pool;
    if (!pool || this.stopped) return 0;
    const pass: Pass = { client: await pool.connect(), abort: new AbortController(), released: false };
    // Every listener call of the pass listens for the abort: far more than the default warning threshold of 10.
    setMaxListeners(0, pass.abort.signal);
    this.current = pass;
    const { client } = pass;
    try {
      await client.query('BEGIN');
      const events = await claimDueEvents(client, this.tuning.batchSize);
      const claimedAt = performance.now();
      if (events.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      // Delivery records are written only by a pass that also counts itself on the event: one never passed over has none.
      const seen = events.filter((e) => e.passes > 0).map((e) => e.eventId);
      const states = seen.length > 0 ? await loadDeliveryStates(client, seen) : new Map<string, Map<string, DeliveryState>>();
      const settled = await mapLimit(events, this.tuning.concurrency, (event) => this.deliver(event, states.get(event.eventId) ?? new Map(), claimedAt, pass.abort.signal));
      if (pass.abort.signal.aborted) return 0;
      const writes: EventDeliveryWrite[] = [];
      const reports: DeadLetterReport[] = [];
      settled.forEach((s, i) => {
        const { eventId, type } = events[i];
        for (const w of s.writes) writes.push({ ...w, eventId, eventType: type });
        for (const w of s.deadLettered) reports.push({ eventId, type, listener: w.listener, attempts: w.attempts, lastError: w.lastError });
      });
      await saveDeliveries(client, writes);
      await finishEvents(
        client,
        events.map((e, i) => ({ id: e.id, done: settled[i].done })),
      );
      // A listener of the dead-letter event that gives up is logged, not reported again: no report loop.
      const reported = reports.filter((r) => r.type !== 'baofoo.delivery.dead_lettered');
      await insertOutboxRows(
        client,
        reported.map((r) => outboxRow(deadLetterEvent({ eventId: r.eventId, type: r.type, payload: events.find((e) => e.eventId === r.eventId)?.payload ?? {} }, r))),
      );
      await client.query('COMMIT');
      this.delivered += settled.filter((s) => s.done).length;
      for (const r of reports) {
        this.logger.error(`listener ${r.listener} gave up on event ${r.eventId} (${r.type}) after ${r.attempts} attempts; dead-lettered: ${firstLine(r.lastError)}`);
      }
      return events.length;
    } catch (e) {
      if (!pass.released) await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      if (this.current === pass) this.current = null;
      if (!pass.released) {
        pass.released = true;
        client.release();
      }
    }
  }

  private async deliver(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number, signal: AbortSignal): Promise<SettledEvent> {
    const listeners = this.registry.listenersFor(event.type);
    const plan = planDelivery(
      listeners.map((l) => l.id),
      states,
    );
    const payload = event.payload as unknown as BaofooEvent;
    const lagNow = () => event.ageMs + (performance.now() - claimedAt);
    if (event.passes === 0) this.lag.record(lagNow());
    const results = await Promise.all(
      plan.due.map(async (due): Promise<ListenerResult> => {
        const listener = listeners.find((l) => l.id === due.listener);
        if (!listener) return { ...due, error: 'listener not registered' };
        try {
          // Each listener gets its own copy: one that mutates the event cannot change what the next one sees.
          await callWithTimeout(() => listener.invoke(structuredClone(payload), { listener: listener.id, attempt: due.attempt, lagMs: lagNow() }), this.tuning.listenerTimeoutMs, signal);
          return due;
        } catch (e) {
          const error = describeFailure(e);
          if (!signal.aborted && due.attempt < this.options.outbox.maxAttempts) {
            this.logger.warn(`listener ${due.listener} failed on event ${event.eventId} (${event.type}), attempt ${due.attempt} of ${this.options.outbox.maxAttempts}: ${firstLine(error)}`);
          }
          return { ...due, error };
        }
      }),
    );
    // Fire-and-forget subscribers hear an event on its first pass only: a retry of one listener must not replay it to them.
    if (event.passes === 0 && !signal.aborted) this.emit(payload);
    return settleDelivery(plan, results, this.options.outbox.maxAttempts, this.tuning.backoff);
  }

  private emit(event: BaofooEvent): void {
    if (!this.emitter) return;
    try {
      this.emitter.emit(event.type, event);
    } catch (e) {
      this.logger.error(`an @OnEvent('${event.type}') subscriber threw on event ${event.eventId}: ${describeFailure(e, 500)}`);
    }
  }

  private abort(pass: Pass | null): void {
    if (!pass || pass.released) return;
    pass.abort.abort();
    pass.released = true;
    // Destroying the connection (not returning it) is what ends the transaction and frees the rows.
    pass.client.release(true);
  }
}

function firstLine(text: string | null): string {
  return (text ?? '').split('\n', 1)[0];
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
