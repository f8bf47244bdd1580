import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, EventEmitterReadinessWatcher } from '@nestjs/event-emitter';
import { setMaxListeners } from 'node:events';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { BatchedWriter } from '../common/batched-writer.ts';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { EventDelivery, type DeliveryStore } from './event-delivery.ts';
import { EventListenerRegistry } from './event-listener-registry.service.ts';
import { LagWindow } from './lag-window.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { describeFailure } from './listener-call.ts';
import { BAOFOO_OUTBOX_TUNING, type OutboxTuning } from './outbox.constants.ts';
import { OutboxClaimScheduler } from './outbox-claim-scheduler.ts';
import { OutboxClaimer, type ClaimStore } from './outbox-claimer.ts';
import {
  claimDueEvents,
  finishEvents,
  insertOutboxRows,
  loadDeliveryStates,
  releaseEvents,
  renewLeases,
  saveDeliveries,
  type EventDeliveryWrite,
  type FinishedEvent,
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
 * An event a writer of this process commits while this relay has a slot
 * free is born claimed: the writer reserved the slot (`OutboxSignal.reserve`),
 * inserted the row with this relay's lease, and hands it over once committed;
 * it is delivered from memory, with no claim statement. Its lease is held
 * and lapses like a claimed one's, so a relay that dies before delivering it
 * leaves it to the next claim.
 *
 * Claims run when a writer of this process committed events it did not hand over (`OutboxSignal`),
 * when a NOTIFY from a process without a relay arrives, when a delivery slot
 * frees up after a claim that found more than it could take (all at most once
 * per `minClaimGapMs` of the tuning), and every `outbox.pollIntervalMs`
 * whatever happens (retries that came due, a lost LISTEN connection, leases
 * that ran out).
 *
 * An event whose listeners all succeeded is finished in the same statement
 * that records the last of their outcomes, so under steady load a pass costs
 * two statements (claim, finish) for all the events it took; a listener that
 * succeeded at its first call is named on the outbox row, with no record.
 *
 * This class is the lifecycle: it wires the roles (`OutboxClaimScheduler`:
 * when to claim; `OutboxClaimer`: the claim loop; `EventDelivery`: one
 * event's delivery), starts and stops them with the app.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooOutbox');
  private readonly lag = new LagWindow();
  /** What one start of the relay runs; kept after the stop for what it reports. */
  private run: RelayRun | null = null;
  private wakeup: OutboxWakeup | null = null;
  private detachSignal: (() => void) | null = null;
  private begun: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_OUTBOX_TUNING) private readonly tuning: OutboxTuning,
    private readonly registry: EventListenerRegistry,
    @Inject(BaofooDatabase) private readonly database: BaofooDatabase,
    private readonly signal: OutboxSignal,
    @Optional() @Inject(EventEmitter2) private readonly emitter?: EventEmitter2,
    @Optional() @Inject(EventEmitterReadinessWatcher) private readonly emitterReady?: EventEmitterReadinessWatcher,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox.enabled) {
      this.logger.log('outbox relay disabled in this process (outbox.enabled = false)');
      return;
    }
    // Listener names are checked now, so a clash stops the boot instead of a delivery.
    this.registry.all();
    this.run = this.wire();
    this.stopped = false;
    this.begun = this.begin();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Whether this process delivers events, and whether NOTIFY wake-ups reach it. */
  get state(): { running: boolean; listening: boolean } {
    return { running: this.run !== null && !this.stopped, listening: this.wakeup?.listening ?? false };
  }

  /** Resolves once NOTIFY wake-ups reach this relay (polling works before that, and without it). */
  async whenListening(): Promise<void> {
    await this.begun;
    await this.wakeup?.listeningOnce;
  }

  /** Resolves when the claim and the deliveries running now have settled: what their listeners did is then on record, their finishes written. */
  async settled(): Promise<void> {
    await this.run?.scheduler.settled();
    await this.run?.claimer.settled();
  }

  /** p99 of the commit→listener lag of first deliveries over the last minutes, in ms; null before any. */
  lagP99Ms(): number | null {
    return this.lag.percentile(99);
  }

  /** Events this process finished delivering since it started. */
  get deliveredCount(): number {
    return this.run?.claimer.deliveredCount ?? 0;
  }

  /** Claims due events now (and more while they keep coming and slots are free) instead of at the next poll. */
  wake(): void {
    this.run?.scheduler.wake();
  }

  /**
   * Stops the relay: no new claim; deliveries in flight get `shutdownGraceMs`
   * to finish (their leases renewed meanwhile), then they are abandoned and
   * their events handed back to the queue at once, for another instance to
   * take (what their listeners already settled stays on record).
   */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run || this.stopped) return;
    this.stopped = true;
    this.detachSignal?.();
    this.detachSignal = null;
    run.scheduler.stop();
    run.claimer.stop();
    // A delivery ends once its finish is written (awaited below): from now on finishes are written at once, not left to their linger.
    run.finishes.stopLingering();
    await this.wakeup?.stop();
    await run.scheduler.settled();
    try {
      await this.finishDeliveries(run);
    } finally {
      // Finishes queued by the deliveries that ended are written before the pool goes.
      await run.finishes.flush();
      await run.heartbeat.stop();
      await run.db.end();
    }
  }

  /** The relay's pool, its writers and the roles, for one start. */
  private wire(): RelayRun {
    const { tuning } = this;
    // A pool of its own, with room for a busy database: the relay never takes a connection a notification is waiting for.
    // It keeps one connection for good: on a server whose max_connections other clients filled, the relay would
    // otherwise starve (no claim, no lease renewal, no finish) once its idle connections closed.
    const db = this.database.derive({ poolSize: tuning.connections, poolMin: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, answerWithinMs: 20_000 }, 'baofoo-outbox');
    // Outcomes that settle while a write runs share the next one: one statement per burst, not per listener.
    const records = new BatchedWriter<EventDeliveryWrite>((writes) => saveDeliveries(db, writes));
    // Finishes linger a little for company: an event's slot does not wait for its finish, so only the statement count feels it.
    const finishes = new BatchedWriter<FinishedEvent>((events) => finishEvents(db, events), { lingerMs: tuning.finishLingerMs });
    // A renewal later than the next beat is no use: it gives up then, and the next beat tries again.
    const beatMs = Math.max(1, Math.floor(tuning.leaseMs / 3));
    const heartbeat = new LeaseHeartbeat(
      (claims) => db.answerBy(Date.now() + beatMs, () => renewLeases(db, claims, tuning.leaseMs)),
      beatMs,
      (lost) => this.logger.warn(`outbox relay lost the lease of ${lost.size} event(s) in delivery (the database was out of reach longer than outbox leaseMs, or a dead letter of the event was replayed); another relay may call their listeners again: ${[...lost].join(', ')}`),
      this.logger,
    );
    const store: DeliveryStore = {
      record: (write) => records.add(write),
      deadLetter: (write, report) =>
        db.transaction(async (tx) => {
          await saveDeliveries(tx, [write]);
          await insertOutboxRows(tx, report);
        }),
      finish: async (event) => {
        await heartbeat.release(event.id);
        return { written: finishes.add(event) };
      },
    };
    const abort = new AbortController();
    // Every listener call in flight listens for the abort: far more than the default warning threshold of 10.
    setMaxListeners(0, abort.signal);
    const delivery = new EventDelivery({
      listenersFor: (type) => this.registry.listenersFor(type),
      store,
      signal: abort.signal,
      firstLag: (ms) => this.lag.record(ms),
      emitter: this.emitter,
      logger: this.logger,
    });
    const claims: ClaimStore = {
      claim: (limit, skip) => claimDueEvents(db, limit, tuning.leaseMs, skip),
      loadStates: (eventIds) => loadDeliveryStates(db, eventIds),
      release: (claimed) => releaseEvents(db, claimed),
    };
    const claimer = new OutboxClaimer({
      store: claims,
      limits: { batchSize: tuning.batchSize, concurrency: tuning.concurrency, pollIntervalMs: this.options.outbox.pollIntervalMs },
      deliver: (event, states, claimedAt) => delivery.deliver(event, states, claimedAt),
      leases: heartbeat,
      refill: () => scheduler.wakeSoon(),
      logger: this.logger,
    });
    const scheduler = new OutboxClaimScheduler((claimStarts) => this.observation.observer.relayPass(() => claimer.pass(claimStarts)), { pollIntervalMs: this.options.outbox.pollIntervalMs, minClaimGapMs: tuning.minClaimGapMs });
    return { db, finishes, heartbeat, abort, claimer, scheduler };
  }

  private async begin(): Promise<void> {
    // @OnEvent subscribers are attached during bootstrap too: wait for them, so the first events reach them.
    await this.emitterReady?.waitUntilReady().catch(() => undefined);
    const run = this.run;
    if (this.stopped || !run) return;
    this.detachSignal = this.signal.attach({
      wake: () => run.scheduler.wakeSoon(),
      reserve: (count) => run.claimer.reserve(count),
      adopt: (events) => run.claimer.adopt(events),
      giveBack: (count) => run.claimer.giveBack(count),
      leaseMs: this.tuning.leaseMs,
    });
    this.wakeup = new OutboxWakeup(() => this.database.listenSettings('baofoo-outbox-listen'), () => run.scheduler.wakeSoon(), this.tuning.reconnectMs, this.logger);
    this.wakeup.start();
    run.scheduler.wake();
  }

  /** Gives the deliveries in flight `shutdownGraceMs`, then cuts their listener calls short and hands their events back. */
  private async finishDeliveries(run: RelayRun): Promise<void> {
    // Hand-backs of events adopted after the stop need the pool too.
    if (run.claimer.deliveries === 0) return run.claimer.settled();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      run.claimer.settled().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.tuning.shutdownGraceMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    this.logger.warn(`stopping with ${run.claimer.deliveries} deliveries still running after ${this.tuning.shutdownGraceMs} ms: abandoning them, their events will be delivered again`);
    // Only listener calls are cut short: outcomes already settled are still written, so they are not repeated.
    run.abort.abort();
    await run.claimer.settled();
    await releaseEvents(run.db, run.claimer.takeAbandoned()).catch((e: unknown) => this.logger.warn(`could not hand abandoned events back (their leases will run out): ${describeFailure(e, 300)}`));
  }
}

interface RelayRun {
  db: BaofooDatabase;
  finishes: BatchedWriter<FinishedEvent>;
  heartbeat: LeaseHeartbeat;
  abort: AbortController;
  claimer: OutboxClaimer;
  scheduler: OutboxClaimScheduler;
}
