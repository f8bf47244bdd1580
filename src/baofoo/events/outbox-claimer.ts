import type { Logger } from '@nestjs/common';
import type { DeliveryState } from './delivery-plan.ts';
import type { DeliveryResult } from './event-delivery.ts';
import { SlotList } from '../common/slot-list.ts';
import { describeFailure } from './listener-call.ts';
import type { ClaimedEvent, EventClaim } from './outbox-store.ts';

/** The claim statements a claimer runs (outbox-store.ts on the relay's pool). */
export interface ClaimStore {
  /** Up to `limit` due events, leased to this relay; never the ids in `skip`. */
  claim(limit: number, skip: readonly string[]): Promise<ClaimedEvent[]>;
  /** The listeners' records of these events, by event id then listener. */
  loadStates(eventIds: readonly string[]): Promise<Map<string, Map<string, DeliveryState>>>;
  /** Hands claims back to the queue at once. */
  release(claims: readonly EventClaim[]): Promise<void>;
}

export interface ClaimLimits {
  /** Most events claimed by one statement. */
  batchSize: number;
  /** Most events in delivery at once. */
  concurrency: number;
  /** For the warning of a failed claim: when the next one comes at the latest. */
  pollIntervalMs: number;
}

export interface OutboxClaimerParts {
  store: ClaimStore;
  limits: ClaimLimits;
  /** Delivers one claimed event (`EventDelivery`): resolves once its finish is queued, with the finish's write. */
  deliver(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number): Promise<DeliveryResult>;
  /** Keeps the claims in delivery leased (`LeaseHeartbeat`). */
  leases: { hold(claim: EventClaim): void; drop(id: string): void };
  /** Half the slots are free after a claim that took all it could: more events may be waiting. */
  refill(): void;
  logger: Pick<Logger, 'log' | 'warn'>;
}

/**
 * The claim loop: claims due events with a lease while delivery slots are
 * free, leaving out the events it is still delivering, loads the delivery
 * records of events claimed before, and hands each event to its delivery,
 * which finishes on its own. A delivery's slot is free once its listeners
 * settled and its finish is queued: the finish may wait to share a
 * statement, and the event keeps its lease meanwhile, so no claim can take
 * it. It keeps the deliveries in flight, and the
 * claims of those a stop cut short, for the relay to hand back. Slots can be
 * reserved for events written in this process already claimed (claim at
 * birth): a claim leaves them free, and the events, once adopted, are
 * delivered as if this claimer had claimed them.
 */
export class OutboxClaimer {
  /** Events holding a delivery slot. */
  private readonly inFlight = new Set<string>();
  /** Every delivery not ended yet, its finish's write included. */
  private readonly ending = new SlotList<Promise<void>>();
  private readonly abandoned: EventClaim[] = [];
  /** Hands-back of events born leased to a claimer that stopped before adopting them. */
  private readonly releasing = new Set<Promise<void>>();
  /** Slots promised to events being written with a lease to this relay (see `reserve`). */
  private reserved = 0;
  /** The last claim took as many events as it could: more may be waiting for a free slot. */
  private saturated = false;
  private stopped = false;
  private failing = false;
  private delivered = 0;

  constructor(private readonly parts: OutboxClaimerParts) {}

  /** Events this claimer saw finished delivering. */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** Deliveries in flight now. */
  get deliveries(): number {
    return this.inFlight.size;
  }

  /** One claim pass; `claimStarts` runs before each claim statement. Never rejects: a failure is logged, once per outage. */
  async pass(claimStarts: () => void = () => undefined): Promise<void> {
    const { store, limits } = this.parts;
    try {
      for (;;) {
        claimStarts();
        const limit = Math.min(this.freeSlots(), limits.batchSize);
        this.saturated = limit <= 0;
        if (limit <= 0 || this.stopped) break;
        const events = await store.claim(limit, [...this.inFlight]);
        this.saturated = events.length === limit;
        const claimedAt = performance.now();
        if (this.stopped) {
          await store.release(events);
          break;
        }
        // Only an event claimed before can have delivery records (a replayed one was claimed before it died).
        const seen = events.filter((e) => e.claims > 1).map((e) => e.eventId);
        const states = seen.length > 0 ? await store.loadStates(seen) : new Map<string, Map<string, DeliveryState>>();
        for (const event of events) this.start(event, states.get(event.eventId) ?? new Map(), claimedAt);
        if (events.length < limit) break;
      }
      if (this.failing) this.parts.logger.log('outbox relay recovered');
      this.failing = false;
    } catch (e) {
      if (this.stopped) return;
      this.warnOnce(`outbox relay claim failed, retrying every ${limits.pollIntervalMs} ms: ${describeFailure(e, 500)}`);
    }
  }

  /**
   * Promises up to `count` delivery slots to events a writer of this process
   * is about to insert already leased to this relay (claimed at birth); the
   * slots granted, 0 once stopped. Every slot granted comes back through
   * `adopt` or `giveBack`. None while the last claim took all it could: events
   * may be waiting in the queue, and they go first (new events taking every
   * freed slot would leave them waiting, the oldest longest).
   */
  reserve(count: number): number {
    const granted = this.stopped || this.saturated ? 0 : Math.max(0, Math.min(count, this.freeSlots()));
    this.reserved += granted;
    return granted;
  }

  /** Slots promised by `reserve` whose events were not inserted (lost race, dropped row, failed statement). */
  giveBack(count: number): void {
    this.reserved -= count;
  }

  /**
   * Events inserted leased to this relay, their statement committed: each
   * takes its reserved slot and is delivered like a first claim, with no claim
   * statement. A claimer stopped meanwhile hands them back to the queue.
   */
  adopt(events: readonly ClaimedEvent[]): void {
    this.reserved -= events.length;
    // Its own claim can have taken an event already, when the commit came after the lease ran out.
    const fresh = events.filter((e) => !this.inFlight.has(e.id));
    if (this.stopped) {
      this.handBack(fresh);
      return;
    }
    const adoptedAt = performance.now();
    for (const event of fresh) this.start(event, new Map(), adoptedAt);
  }

  /** No claim from now on; a claim statement under way hands its events back. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when the deliveries in flight now have ended, their finishes written (and those queued now). */
  async settled(): Promise<void> {
    await Promise.all([...this.ending.values(), ...this.releasing]);
  }

  /** The claims of the deliveries a stop cut short, to hand back (each taken once). */
  takeAbandoned(): EventClaim[] {
    return this.abandoned.splice(0);
  }

  private freeSlots(): number {
    return this.parts.limits.concurrency - this.inFlight.size - this.reserved;
  }

  private handBack(events: readonly ClaimedEvent[]): void {
    if (events.length === 0) return;
    // A hand-back that fails costs time only: the lease runs out and another relay claims them.
    const release: Promise<void> = this.parts.store
      .release(events)
      .catch((e: unknown) => this.parts.logger.warn(`outbox relay stopped before delivering ${events.length} event(s) written leased to it, and could not hand them back (their leases will run out): ${describeFailure(e, 300)}`))
      .finally(() => this.releasing.delete(release));
    this.releasing.add(release);
  }

  private start(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number): void {
    let slot = -1;
    const ended: Promise<void> = this.parts
      .deliver(event, states, claimedAt)
      .finally(() => this.free(event.id))
      .then(async ({ end, written }) => {
        if (end === 'abandoned') this.abandoned.push({ id: event.id, claims: event.claims });
        await written;
        if (end === 'delivered') this.delivered += 1;
      })
      .catch((e: unknown) => {
        // The claim's lease brings the event back; outcomes already recorded are kept.
        if (!this.stopped) this.warnOnce(`outbox relay could not record the delivery of event ${event.eventId} (${event.type}); it is retried when its lease ends: ${describeFailure(e, 500)}`);
      })
      .finally(() => this.ending.remove(slot));
    this.inFlight.add(event.id);
    slot = this.ending.add(ended);
    this.parts.leases.hold(event);
  }

  /** The delivery's listeners settled and its finish is queued (or it failed): its slot takes another event. */
  private free(id: string): void {
    this.inFlight.delete(id);
    this.parts.leases.drop(id);
    // Refill once half the slots are free, and only when events were left behind: one claim per several events.
    if (this.saturated && this.inFlight.size <= this.parts.limits.concurrency / 2) this.parts.refill();
  }

  // One warning per outage, not one per poll.
  private warnOnce(message: string): void {
    if (!this.failing) this.parts.logger.warn(message);
    this.failing = true;
  }
}
