import type { Logger } from '@nestjs/common';
import type { BaofooEvent } from './baofoo-events.ts';
import { deadLetterEvent } from './dead-letter-event.ts';
import { planDelivery, settleDelivery, type DeliveryState, type DeliveryWrite, type DueListener, type ListenerResult } from './delivery-plan.ts';
import type { RegisteredListener } from './event-listener-registry.service.ts';
import { callListener, describeFailure } from './listener-call.ts';
import type { ClaimedEvent, EventDeliveryWrite, FinishedEvent } from './outbox-store.ts';
import { outboxRow, type OutboxRow } from './outbox-row.ts';

/** Where a delivery writes; every write names the event's claim or concerns its outcome records. */
export interface DeliveryStore {
  /** One listener's outcome (outcomes that settle together may share a statement). */
  record(write: EventDeliveryWrite): Promise<void>;
  /** A dead letter and the events that report it, committed together. */
  deadLetter(write: EventDeliveryWrite, report: readonly OutboxRow[]): Promise<void>;
  /**
   * Queues the statement that ends the claim (finishes may share a statement);
   * resolves once it is queued, with the write to wait for.
   */
  finish(event: FinishedEvent): Promise<QueuedFinish>;
}

/** A finish queued for writing: `written` resolves once its statement has run (rejects if it failed). */
export interface QueuedFinish {
  written: Promise<void>;
}

/**
 * `delivered`: finished, every listener has it or gave up on it; `unfinished`:
 * the claim ended with a listener to retry; `abandoned`: the relay stopped
 * mid-call, nothing finished, the claim is to be handed back.
 */
export type DeliveryEnd = 'delivered' | 'unfinished' | 'abandoned';

/**
 * How a delivery ended once its listeners settled and its finish was queued:
 * its slot is free from then on, while the finish (shared with others) is
 * written; `written` is resolved at once for an abandoned one (nothing to finish).
 */
export interface DeliveryResult extends QueuedFinish {
  end: DeliveryEnd;
}

export interface EventDeliveryParts {
  listenersFor(type: string): readonly RegisteredListener[];
  store: DeliveryStore;
  /** The relay's stop: aborting cuts the listener calls short. */
  signal: AbortSignal;
  /** Commit→listener lag of an event's first claim, in ms. */
  firstLag(lagMs: number): void;
  /** Plain `@OnEvent` subscribers, told once per event. */
  emitter?: { emit(type: string, event: BaofooEvent): unknown };
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * What one claimed event's delivery does: calls each due listener (with its
 * own timeout, cut short by the relay's stop), puts each outcome on
 * record as soon as it settled (a dead letter with its report event), then
 * queues the finish that ends the claim and hands its write back: the
 * event's delivery slot need not wait for that statement. The last listener
 * to succeed is not recorded on its own: its outcome goes with the statement
 * that finishes the event, as no record at all when it is the listener's
 * first call and first outcome (the outbox row names it).
 */
export class EventDelivery {
  constructor(private readonly parts: EventDeliveryParts) {}

  async deliver(event: ClaimedEvent, states: ReadonlyMap<string, DeliveryState>, claimedAt: number): Promise<DeliveryResult> {
    const { signal, store } = this.parts;
    const listeners = this.parts.listenersFor(event.type);
    const plan = planDelivery(
      listeners.map((l) => l.id),
      states,
    );
    const payload = event.payload as unknown as BaofooEvent;
    const lagNow = () => event.ageMs + (performance.now() - claimedAt);
    if (event.claims === 1) this.parts.firstLag(lagNow());
    let running = plan.due.length;
    let held: EventDeliveryWrite | null = null;
    const writes = await Promise.all(
      plan.due.map(async (due): Promise<DeliveryWrite | null> => {
        // The plan names registered listeners only.
        const listener = listeners.find((l) => l.id === due.listener)!;
        const result = await this.call(event, payload, listener, due, lagNow);
        running -= 1;
        if (signal.aborted) return null;
        // Each listener's own attempts and backoff decide its retry or dead letter.
        const { attempts, backoff } = listener.delivery;
        const [write] = settleDelivery({ due: [due], waiting: false }, [result], attempts, backoff).writes;
        if (running === 0 && write.status === 'delivered') held = deliveryRow(event, write);
        else await this.record(event, write);
        return write;
      }),
    );
    if (signal.aborted) return { end: 'abandoned', written: Promise.resolve() };
    // Fire-and-forget subscribers hear an event on its first claim only: a retry of one listener must not replay it to them.
    if (event.claims === 1) this.emit(payload);
    const done = !plan.waiting && writes.every((w) => w !== null && w.status !== 'failed');
    // An unfinished event's retry time is read from its records: they must all be written first.
    if (held && !done) await store.record(held);
    const { written } = await store.finish({ id: event.id, claims: event.claims, done, ...finishWrites(done ? held : null, states) });
    return { end: done ? 'delivered' : 'unfinished', written };
  }

  private async call(event: ClaimedEvent, payload: BaofooEvent, listener: RegisteredListener, due: DueListener, lagNow: () => number): Promise<ListenerResult> {
    const { signal, logger } = this.parts;
    const { attempts, timeoutMs } = listener.delivery;
    try {
      // Each listener gets its own copy: one that mutates the event cannot change what the next one sees.
      await callListener(() => listener.invoke(structuredClone(payload), { listener: listener.id, attempt: due.attempt, lagMs: lagNow() }), timeoutMs, signal);
      return due;
    } catch (e) {
      const error = describeFailure(e);
      if (!signal.aborted && due.attempt < attempts) {
        logger.warn(`listener ${due.listener} failed on event ${event.eventId} (${event.type}), attempt ${due.attempt} of ${attempts}: ${firstLine(error)}`);
      }
      return { ...due, error };
    }
  }

  /** One listener's outcome, on record as soon as it settled; a dead letter and its report event commit together. */
  private async record(event: ClaimedEvent, write: DeliveryWrite): Promise<void> {
    const row = deliveryRow(event, write);
    if (write.status !== 'dead') {
      await this.parts.store.record(row);
      return;
    }
    // A listener of the dead-letter event that gives up is logged, not reported again: no report loop.
    const report = event.type === 'baofoo.delivery.dead_lettered' ? [] : [outboxRow(deadLetterEvent({ eventId: event.eventId, type: event.type, payload: event.payload }, write))];
    await this.parts.store.deadLetter(row, report);
    this.parts.logger.error(`listener ${write.listener} gave up on event ${event.eventId} (${event.type}) after ${write.attempts} attempts; dead-lettered: ${firstLine(write.lastError)}`);
  }

  private emit(event: BaofooEvent): void {
    if (!this.parts.emitter) return;
    try {
      this.parts.emitter.emit(event.type, event);
    } catch (e) {
      this.parts.logger.error(`an @OnEvent('${event.type}') subscriber threw on event ${event.eventId}: ${describeFailure(e, 500)}`);
    }
  }
}

/**
 * Where the finish writes the held outcome: a listener's first call and first
 * outcome needs no record (the outbox row names it); any other (a retry, a
 * replayed dead letter, whose row must turn `delivered`) is a record.
 */
function finishWrites(held: EventDeliveryWrite | null, states: ReadonlyMap<string, DeliveryState>): Pick<FinishedEvent, 'deliveries' | 'firstTry'> {
  if (held === null) return { deliveries: [], firstTry: null };
  return held.attempts === 1 && !states.has(held.listener) ? { deliveries: [], firstTry: held } : { deliveries: [held], firstTry: null };
}

function deliveryRow(event: ClaimedEvent, write: DeliveryWrite): EventDeliveryWrite {
  // Field by field, not a spread: on Node 20 a spread plus added fields builds a new hidden class, about 1 µs a row.
  return {
    listener: write.listener,
    status: write.status,
    attempts: write.attempts,
    lastError: write.lastError,
    delayMs: write.delayMs,
    eventId: event.eventId,
    eventType: event.type,
  };
}

function firstLine(text: string | null): string {
  return (text ?? '').split('\n', 1)[0];
}
