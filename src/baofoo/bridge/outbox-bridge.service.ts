import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import type { BaofooEvent } from '../events/baofoo-events.ts';
import { describeFailure } from '../events/listener-call.ts';
import { AmqpLink } from './amqp-link.ts';
import { BridgeBackoff } from './bridge-backoff.ts';
import { bridgeMessage } from './bridge-message.ts';
import type { ResolvedBridgeOptions } from './bridge-options.ts';
import { claimBridgeEvents, markBridged, registerBridge, releaseBridgeClaims, type BridgeClaim, type BridgeEvent } from './bridge-store.ts';
import { BAOFOO_BRIDGE_RESOLVED } from './bridge.constants.ts';

/** Tries to record a confirmed batch whose rows relay statements hold, before it is left to the lease (and published again). */
const MARK_ATTEMPTS = 50;

/**
 * Publishes every committed outbox event to RabbitMQ, at least once, in each
 * order's commit order, and never gives one up.
 *
 * It is not a listener: a listener is dead-lettered after its attempts and
 * runs beside the order's other events, which a broker outage of minutes
 * would turn into dead letters and reordered events. The bridge keeps its own
 * position in the outbox (`bridged_at`) and its own lease: it claims the
 * oldest waiting event of each order (different orders in one batch),
 * publishes the batch on a confirm channel, waits for the broker's
 * confirmations, then marks the batch bridged under its claim token. A broker
 * that is down, blocked by an alarm or refusing leaves the batch unconfirmed:
 * the connection is given up, the events go back to the outbox, and the
 * bridge tries again after a capped exponential backoff, for as long as it
 * takes. Nothing here throws out of the loop, so the process never dies of
 * the broker.
 */
@Injectable()
export class OutboxBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooBridge');
  private readonly backoff: BridgeBackoff;
  private readonly link: AmqpLink;
  private db: BaofooDatabase | null = null;
  private loop: Promise<void> = Promise.resolve();
  private stopped = true;
  private registered = false;
  private readonly sleepers = new Set<() => void>();
  private failing: string | null = null;
  private lastFailure: string | null = null;
  private published = 0;

  constructor(
    @Inject(BAOFOO_BRIDGE_RESOLVED) private readonly options: ResolvedBridgeOptions,
    @Inject(BaofooDatabase) private readonly database: BaofooDatabase,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {
    this.backoff = new BridgeBackoff(options.backoffMs, options.maxBackoffMs);
    this.link = new AmqpLink({
      url: options.url,
      tls: options.tls,
      exchange: options.exchange,
      declareExchange: options.declareExchange,
      confirmTimeoutMs: options.confirmTimeoutMs,
      onState: (state, detail) => {
        if (state === 'blocked') this.logger.warn(`the broker blocks publishing (${detail}): events wait in the outbox until it unblocks`);
        else if (state === 'unblocked') this.logger.log('the broker unblocked publishing');
        else if (!this.stopped) this.logger.warn(`connection to the broker lost (${detail}); reconnecting`);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) {
      this.logger.log('RabbitMQ bridge disabled in this process (enabled = false)');
      return;
    }
    // A pool of its own: a broker outage never holds a connection a notification waits for.
    this.db = this.database.derive({ poolSize: 2, poolMin: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, answerWithinMs: 20_000 }, 'baofoo-bridge');
    this.stopped = false;
    this.loop = this.run().catch((e: unknown) => this.logger.error(`RabbitMQ bridge stopped on an unexpected error: ${describeFailure(e, 500)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Events this process published with the broker's confirmation since it started. */
  get publishedCount(): number {
    return this.published;
  }

  /** Whether this process publishes, is connected, what blocks it, and the last failure of an outage under way. */
  get state(): { running: boolean; connected: boolean; blocked: string | null; failure: string | null } {
    return { running: !this.stopped, connected: this.link.open, blocked: this.link.blocked, failure: this.lastFailure };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await this.loop;
    await this.link.close();
    await this.db?.end();
    this.db = null;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const waitMs = await this.step();
      if (waitMs > 0 && !this.stopped) await this.sleep(waitMs);
    }
  }

  /** One round: connect if needed, claim, publish, record. Returns how long to wait before the next one. */
  private async step(): Promise<number> {
    const db = this.db!;
    try {
      if (!this.registered) {
        await registerBridge(db, this.options.exchange);
        this.registered = true;
      }
    } catch (e) {
      return this.failed('could not register the bridge in the database', e);
    }
    if (!this.link.open) {
      try {
        await this.link.connect();
      } catch (e) {
        return this.failed('cannot reach the broker', e);
      }
    }
    if (this.link.blocked) {
      // Claiming now would only hold events that cannot be published: wait for connection.unblocked, but not for
      // ever. RabbitMQ does not send it to a connection that has not published since it was blocked (state `blocking`),
      // so after the backoff the bridge publishes anyway: a broker still blocked then fails the batch's confirm
      // timeout and the connection is renewed.
      await Promise.race([this.link.whenUnblocked(), this.sleep(this.backoff.next())]);
      if (this.stopped) return 0;
    }
    let events: BridgeEvent[];
    try {
      events = await claimBridgeEvents(db, this.options.batchSize, this.options.leaseMs);
    } catch (e) {
      return this.failed('could not claim events in the database', e);
    }
    if (events.length === 0) {
      // Connected and claiming: whatever failed before works again.
      this.recovered();
      return this.options.pollIntervalMs;
    }
    try {
      const messages = events.map((e) => bridgeMessage(e.payload as unknown as BaofooEvent, this.options));
      await this.observation.observer.bridgeBatch(events.length, () => this.link.publish(messages));
    } catch (e) {
      // Due again at once: this instance waits out its backoff, another may publish them meanwhile.
      await releaseBridgeClaims(db, events).catch(() => undefined);
      return this.failed(`${events.length} event(s) not confirmed by the broker, they wait in the outbox`, e);
    }
    try {
      await this.record(db, events);
    } catch (e) {
      // Confirmed but not on record: their leases bring them back, and the broker gets them a second time.
      return this.failed(`could not record ${events.length} confirmed event(s) as bridged; they will be published again when their lease ends`, e);
    }
    this.published += events.length;
    this.recovered();
    // Each order's next event became eligible: look again at once.
    return 0;
  }

  /** Marks the batch bridged, again for the events a relay statement held at that moment (a relay statement lasts milliseconds). */
  private async record(db: BaofooDatabase, events: readonly BridgeClaim[]): Promise<void> {
    let waiting = await markBridged(db, events);
    for (let attempt = 1; waiting.length > 0; attempt++) {
      if (attempt > MARK_ATTEMPTS) throw new Error(`${waiting.length} event(s) stayed locked by relay statements through ${MARK_ATTEMPTS} attempts`);
      await this.sleep(Math.min(100, 5 * attempt));
      waiting = await markBridged(db, waiting);
    }
  }

  private failed(what: string, e: unknown): number {
    const waitMs = this.backoff.next();
    this.lastFailure = `${what}: ${describeFailure(e, 300)}`;
    if (this.failing === null) this.logger.warn(`RabbitMQ bridge: ${this.lastFailure}; retrying with backoff up to ${this.options.maxBackoffMs} ms, nothing is dropped`);
    this.failing = what;
    return waitMs;
  }

  private recovered(): void {
    this.backoff.reset();
    if (this.failing !== null) this.logger.log('RabbitMQ bridge publishing again');
    this.failing = null;
    this.lastFailure = null;
  }

  /** A wait that `stop()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
