import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { describeFailure } from './listener-call.ts';
import { BAOFOO_OUTBOX_TUNING, DEFAULT_OUTBOX_TUNING, OUTBOX_CHANNEL, type OutboxTuning } from './outbox.constants.ts';
import { OutboxReservation, type LocalRelay } from './outbox-reservation.ts';

/**
 * Connects the writers of this process to its relay. A writer reserves
 * delivery slots before its statement (`reserve`) and inserts those events
 * already claimed, for the relay to deliver with no claim statement (see
 * `OutboxReservation`). It wakes the relays once a statement that added
 * other events has committed. The relay running in this process is called directly; when
 * there is none (`outbox.enabled = false`, the CLI, a stopped relay) the
 * relays of other processes hear a NOTIFY, sent outside any transaction and
 * at most once per `minClaimGapMs`.
 *
 * The NOTIFY is never part of the writer's own transaction: PostgreSQL holds
 * its cluster-wide notification lock from a notifying commit until that
 * commit is flushed, which would line every settlement up behind the
 * others' WAL flushes. A lost wake-up costs only time: relays also poll.
 *
 * Wake-ups and NOTIFYs run in the async context of whoever attached or built
 * the signal, never in the committing request's: what they start (a relay's
 * claim, its later polls) must not inherit that request's answer deadline.
 */
@Injectable()
export class OutboxSignal {
  private readonly logger = new Logger('BaofooOutbox');
  private local: LocalRelay | null = null;
  private notifying = false;
  private pending = false;
  private warned = false;

  constructor(
    @Inject(BaofooDatabase) private readonly database: Pick<BaofooDatabase, 'query'>,
    @Optional() @Inject(BAOFOO_OUTBOX_TUNING) private readonly tuning: Pick<OutboxTuning, 'minClaimGapMs'> = DEFAULT_OUTBOX_TUNING,
  ) {}

  /** The relay of this process takes the wake-ups and the events born claimed from now on; the returned function hands them back. */
  attach(relay: LocalRelay): () => void {
    // Deliveries of adopted events, like wake-ups, start in the relay's context.
    const bound: LocalRelay = { ...relay, wake: AsyncResource.bind(relay.wake), adopt: AsyncResource.bind(relay.adopt) };
    this.local = bound;
    return () => {
      if (this.local === bound) this.local = null;
    };
  }

  /**
   * Reserves delivery slots of the relay of this process for up to `count`
   * events a writer is about to insert, to insert them already claimed; null
   * when there is no relay here or no slot free (they go through the queue).
   */
  reserve(count: number): OutboxReservation | null {
    const relay = this.local;
    const slots = relay && count > 0 ? relay.reserve(count) : 0;
    return slots > 0 ? new OutboxReservation(relay!, slots) : null;
  }

  /** Outbox events that no relay adopted were committed just now. */
  committed(): void {
    if (this.local) this.local.wake();
    else this.notifyOthers();
  }

  private readonly notifyOthers = AsyncResource.bind((): void => {
    if (this.notifying) {
      this.pending = true;
      return;
    }
    this.notifying = true;
    this.pending = false;
    this.database
      .query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL])
      .then(
        () => (this.warned = false),
        (e: unknown) => {
          if (!this.warned) this.logger.warn(`could not NOTIFY the relays (they find the events at their next poll): ${describeFailure(e, 300)}`);
          this.warned = true;
        },
      )
      .finally(() => {
        const timer = setTimeout(() => {
          this.notifying = false;
          if (this.pending) this.notifyOthers();
        }, this.tuning.minClaimGapMs);
        timer.unref();
      });
  });
}
