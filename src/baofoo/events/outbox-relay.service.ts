import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, EventEmitterReadinessWatcher } from '@nestjs/event-emitter';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { BatchedWriter } from '../common/batched-writer.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import type { BaofooEvent } from './baofoo-events.ts';
import { deadLetterEvent } from './dead-letter-event.ts';
import { planDelivery, settleDelivery, type DeliveryState, type DeliveryWrite, type DueListener, type ListenerResult } from './delivery-plan.ts';
import { EventListenerRegistry } from './event-listener-registry.service.ts';
import { LagWindow } from './lag-window.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { callListener, describeFailure } from './listener-call.ts';
import { BAOFOO_OUTBOX_TUNING, type OutboxTuning } from './outbox.constants.ts';
import { outboxRow } from './outbox-row.ts';
import {
  claimDueEvents,
  finishEvents,
  insertOutboxRows,
  loadDeliveryStates,
  releaseEvents,
  renewLeases,
  saveDeliveries,
  type ClaimedEvent,
  type EventClaim,
  type EventDeliveryWrite,
} from './outbox-store.ts';
import { OutboxSignal } from './outbox-signal.ts';
import { OutboxWakeup } from './outbox-wakeup.ts';

/**
 * Delivers committed outbox events to the app's listeners, at least once.
 *
 * Nothing is held open while listeners run. A relay claims due events with a
 * lease in one short autocommit statement (`UPDATE … WHERE id IN (SELECT …
 * FOR UPDATE SKIP LOCKED) RETURNING …`), then calls each due
 * `@OnBaofooEvent` listener with no transaction open (awaited, with a
 * timeout), and writes each listener's outcome as soon as that listener has
 * settled. An event whose listeners have all settled is marked finished on
 * its own: up to `concurrency` events are in flight, each finishing
 * independently, so a slow listener holds only its own event. The lease is
 * short and renewed while the listeners run (`LeaseHeartbeat`); a relay that
 * dies leaves its claims to run out within a lease, the event is claimed
 * again and only the listeners with no outcome on record are called again.
 * Every write to a claimed event names its claim (`EventClaim`).
 *
 * Claims run when a writer of this process committed events (`OutboxSignal`),
 * when a NOTIFY from a process without a relay arrives, when a delivery slot
 * frees up after a claim that found more than it could take (all at most once
 * per `minClaimGapMs` of the tuning), and every `outbox.pollIntervalMs`
 * whatever happens (retries that came due, a lost LISTEN connection, leases
 * that ran out).
 *
 * An event whose listeners all succeeded is finished in the same statement
 * that records the last of their outcomes, so under steady load a pass costs
 * two statements (claim, finish) for all the events it took.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooOutbox');
  private readonly lag = new LagWindow();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Claims whose listener calls a stop cut short: handed back to the queue at once. */
  private readonly abandoned: EventClaim[] = [];
  private abort = new AbortController();
  private db: BaofooDatabase | null = null;
  private records: BatchedWriter<EventDeliveryWrite> | null = null;
  private finishes: BatchedWriter<FinishedEvent> | null = null;
  private heartbeat: LeaseHeartbeat | null = null;
  private detachSignal: (() => void) | null = null;
  /** The last claim took as many events as it could: more may be waiting for a free slot. */
  private saturated = false;
  private wakeup: OutboxWakeup | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private claiming: Promise<void> | null = null;
  /** When the last claim pass started (performance.now()). */
  private lastClaimAt = -Infinity;
  private begun: Promise<void> = Promise.resolve();
  private again = false;
  private started = false;
  private stopped = false;
  private failing = false;
  private delivered = 0;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_OUTBOX_TUNING) private readonly tuning: OutboxTuning,
    private readonly registry: EventListenerRegistry,
    @Inject(BaofooDatabase) private readonly database: BaofooDatabase,
    private readonly signal: OutboxSignal,
    @Optional() @Inject(EventEmitter2) private readonly emitter?: EventEmitter2,
    @Optional() @Inject(EventEmitterReadinessWatcher) private readonly emitterReady?: EventEmitterReadinessWatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox.enabled) {
      this.logger.log('outbox relay disabled in this process (outbox.enabled = false)');
      return;
    }
    // Listener names are checked now, so a clash stops the boot instead of a delivery.
    this.registry.all();
    // A pool of its own, with room for a busy database: the relay never takes a connection a notification is waiting for.
    // It keeps one connection for good: on a server whose max_connections other clients filled, the relay would
    // otherwise starve (no claim, no lease renewal, no finish) once its idle connections closed.
    const db = this.database.derive({ poolSize: this.tuning.connections, poolMin: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, answerWithinMs: 20_000 }, 'baofoo-outbox');
    this.db = db;
    // Outcomes that settle while a write runs share the next one: one statement per burst, not per listener.
    this.records = new BatchedWriter((writes) => saveDeliveries(db, writes));
    this.finishes = new BatchedWriter((events) => finishEvents(db, events, events.flatMap((e) => e.deliveries)));
    // A renewal later than the next beat is no use: it gives up then, and the next beat tries again.
    const beatMs = Math.max(1, Math.floor(this.tuning.leaseMs / 3));
    this.heartbeat = new LeaseHeartbeat(
      (claims) => db.answerBy(Date.now() + beatMs, () => renewLeases(db, claims, this.tuning.leaseMs)),
      beatMs,
      (lost) => this.logger.warn(`outbox relay lost the lease of ${lost.size} event(s) in delivery (the database was out of reach longer than outbox leaseMs); another relay may call their listeners again: ${[...lost].join(', ')}`),
      this.logger,
    );
    this.abort = new AbortController();
    // Every listener call in flight listens for the abort: far more than the default warning threshold of 10.
    setMaxListeners(0, this.abort.signal);
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

  /** Resolves when the claim and the deliveries running now have settled: what their listeners did is then on record. */
  async settled(): Promise<void> {
    await this.claiming;
    await Promise.all(this.inFlight.values());
  }

  /** p99 of the commit→listener lag of first deliveries over the last minutes, in ms; null before any. */
  lagP99Ms(): number | null {
    return this.lag.percentile(99);
  }

  /** Events this process finished delivering since it started. */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** Claims due events now (and more while they keep coming and slots are free) instead of at the next poll. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.lastClaimAt = performance.now();
    this.claiming = this.claim().finally(() => {
      this.claiming = null;
      this.schedulePoll();
    });
  }

  /**
   * The relay's own wake-ups (committed events, a NOTIFY, a freed slot, wake-ups during a pass):
   * at most one pass per `minClaimGapMs`, so under steady load the events of
   * the gap share one pass instead of each getting its own.
   */
  private wakeSoon(): void {
    if (!this.started || this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    const wait = this.lastClaimAt + this.tuning.minClaimGapMs - performance.now();
    if (wait <= 0) {
      this.wake();
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.wake();
    }, wait);
    this.pollTimer.unref();
  }

  /**
   * Stops the relay: no new claim; deliveries in flight get `shutdownGraceMs`
   * to finish (their leases renewed meanwhile), then they are abandoned and
   * their events handed back to the queue at once, for another instance to
   * take (what their listeners already settled stays on record).
   */
  async stop(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    this.detachSignal?.();
    this.detachSignal = null;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.wakeup?.stop();
    await this.claiming;
    try {
      await this.finishDeliveries();
    } finally {
      await this.heartbeat?.stop();
      const db = this.db;
      this.db = null;
      await db?.end();
    }
  }

  private async finishDeliveries(): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(this.inFlight.values()).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.tuning.shutdownGraceMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    this.logger.warn(`stopping with ${this.inFlight.size} deliveries still running after ${this.tuning.shutdownGraceMs} ms: abandoning them, their events will be delivered again`);
    // Only listener calls are cut short: outcomes already settled are still written, so they are not repeated.
    this.abort.abort();
    await Promise.all(this.inFlight.values());
    const abandoned = this.abandoned.splice(0);
    await releaseEvents(this.db!, abandoned).catch((e: unknown) => this.logger.warn(`could not hand abandoned events back (their leases will run out): ${describeFailure(e, 300)}`));
  }

  private async begin(): Promise<void> {
    // @OnEvent subscribers are attached during bootstrap too: wait for them, so the first events reach them.
    await this.emitterReady?.waitUntilReady().catch(() => undefined);
    if (this.stopped) return;
    this.detachSignal = this.signal.attach(() => this.wakeSoon());
    this.wakeup = new OutboxWakeup(() => this.database.listenSettings('baofoo-outbox-listen'), () => this.wakeSoon(), this.tuning.reconnectMs, this.logger);
    this.wakeup.start();
    this.wake();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wakeSoon();
      return;
    }
    if (this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.wake();
    }, this.options.outbox.pollIntervalMs);
    this.pollTimer.unref();
  }

  private async claim(): Promise<void> {
    const db = this.db;
    if (!db) return;
    try {
      for (;;) {
        this.again = false;
        const limit = Math.min(this.tuning.concurrency - this.inFlight.size, this.tuning.batchSize);
        this.saturated = limit <= 0;
        if (limit <= 0 || this.stopped) break;
        const events = await claimDueEvents(db, limit, this.tuning.leaseMs, [...this.inFlight.keys()]);
        this.saturated = events.length === limit;
        const claimedAt = performance.now();
        if (this.stopped) {
          await releaseEvents(db, events);
          break;
        }
        // Only an event claimed before can have delivery records (a replayed one was claimed before it died).
        const seen = events.filter((e) => e.claims > 1).map((e) => e.eventId);
        const states = seen.length > 0 ? await loadDeliveryStates(db, seen) : new Map<string, Map<string, DeliveryState>>();
        for (const event of events) this.start(event, states.get(event.eventId) ?? new Map(), claimedAt);
        if (events.length < limit) break;
      }
      if (this.failing) this.logger.log('outbox relay recovered');
      this.failing = false;
    } catch (e) {
      if (this.stopped) return;
      this.warnOnce(`outbox relay claim failed, retrying every ${this.options.outbox.pollIntervalMs} ms: ${describeFailure(e, 500)}`);
    }
  }

  private start(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number): void {
    const delivery = this.deliver(event, states, claimedAt)
      .catch((e: unknown) => {
        // The claim's lease brings the event back; outcomes already recorded are kept.
        if (!this.stopped) this.warnOnce(`outbox relay could not record the delivery of event ${event.eventId} (${event.type}); it is retried when its lease ends: ${describeFailure(e, 500)}`);
      })
      .finally(() => {
        this.inFlight.delete(event.id);
        this.heartbeat?.drop(event.id);
        // Refill once half the slots are free, and only when events were left behind: one claim per several events.
        if (this.saturated && this.inFlight.size <= this.tuning.concurrency / 2) this.wakeSoon();
      });
    this.inFlight.set(event.id, delivery);
    this.heartbeat?.hold(event);
  }

  private async deliver(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number): Promise<void> {
    const { signal } = this.abort;
    const listeners = this.registry.listenersFor(event.type);
    const plan = planDelivery(
      listeners.map((l) => l.id),
      states,
    );
    const payload = event.payload as unknown as BaofooEvent;
    const lagNow = () => event.ageMs + (performance.now() - claimedAt);
    if (event.claims === 1) this.lag.record(lagNow());
    let running = plan.due.length;
    // The last listener to succeed is not recorded on its own: its outcome goes with the statement that finishes the event.
    let held: EventDeliveryWrite | null = null;
    const writes = await Promise.all(
      plan.due.map(async (due): Promise<DeliveryWrite | null> => {
        const result = await this.call(event, payload, due, lagNow, signal);
        running -= 1;
        if (signal.aborted) return null;
        const [write] = settleDelivery({ due: [due], waiting: false }, [result], this.options.outbox.maxAttempts, this.tuning.backoff).writes;
        if (running === 0 && write.status === 'delivered') held = this.deliveryRow(event, write);
        else await this.record(event, write);
        return write;
      }),
    );
    if (signal.aborted) {
      this.abandoned.push({ id: event.id, claims: event.claims });
      return;
    }
    // Fire-and-forget subscribers hear an event on its first claim only: a retry of one listener must not replay it to them.
    if (event.claims === 1) this.emit(payload);
    const done = !plan.waiting && writes.every((w) => w !== null && w.status !== 'failed');
    // An unfinished event's retry time is read from its records: they must all be written first.
    if (held && !done) await this.records!.add(held);
    await this.finishes!.add({ id: event.id, claims: event.claims, done, deliveries: held && done ? [held] : [] });
    if (done) this.delivered += 1;
  }

  private deliveryRow(event: ClaimedEvent, write: DeliveryWrite): EventDeliveryWrite {
    return { ...write, eventId: event.eventId, eventType: event.type };
  }

  private async call(event: ClaimedEvent, payload: BaofooEvent, due: DueListener, lagNow: () => number, signal: AbortSignal): Promise<ListenerResult> {
    const listener = this.registry.listenersFor(event.type).find((l) => l.id === due.listener);
    if (!listener) return { ...due, error: 'listener not registered' };
    try {
      // Each listener gets its own copy: one that mutates the event cannot change what the next one sees.
      await callListener(() => listener.invoke(structuredClone(payload), { listener: listener.id, attempt: due.attempt, lagMs: lagNow() }), this.tuning.listenerTimeoutMs, signal);
      return due;
    } catch (e) {
      const error = describeFailure(e);
      if (!signal.aborted && due.attempt < this.options.outbox.maxAttempts) {
        this.logger.warn(`listener ${due.listener} failed on event ${event.eventId} (${event.type}), attempt ${due.attempt} of ${this.options.outbox.maxAttempts}: ${firstLine(error)}`);
      }
      return { ...due, error };
    }
  }

  /** One listener's outcome, on record as soon as it settled; a dead letter and its report event commit together. */
  private async record(event: ClaimedEvent, write: DeliveryWrite): Promise<void> {
    const row = this.deliveryRow(event, write);
    if (write.status !== 'dead') {
      await this.records!.add(row);
      return;
    }
    // A listener of the dead-letter event that gives up is logged, not reported again: no report loop.
    const report = event.type === 'baofoo.delivery.dead_lettered' ? [] : [outboxRow(deadLetterEvent({ eventId: event.eventId, type: event.type, payload: event.payload }, write))];
    await this.db!.transaction(async (tx) => {
      await saveDeliveries(tx, [row]);
      await insertOutboxRows(tx, report);
    });
    this.logger.error(`listener ${write.listener} gave up on event ${event.eventId} (${event.type}) after ${write.attempts} attempts; dead-lettered: ${firstLine(write.lastError)}`);
  }

  private emit(event: BaofooEvent): void {
    if (!this.emitter) return;
    try {
      this.emitter.emit(event.type, event);
    } catch (e) {
      this.logger.error(`an @OnEvent('${event.type}') subscriber threw on event ${event.eventId}: ${describeFailure(e, 500)}`);
    }
  }

  // One warning per outage, not one per poll.
  private warnOnce(message: string): void {
    if (!this.failing) this.logger.warn(message);
    this.failing = true;
  }
}

interface FinishedEvent extends EventClaim {
  done: boolean;
  /** Outcomes not yet on record, written by the statement that finishes the event. */
  deliveries: EventDeliveryWrite[];
}

function firstLine(text: string | null): string {
  return (text ?? '').split('\n', 1)[0];
}
