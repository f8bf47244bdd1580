import type { EventDeliveryStatus } from './event-delivery.entity.ts';
import { retryDelayMs, type RetryBackoff } from './retry-backoff.ts';

/** What the database says about one listener and one event before a pass. */
export interface DeliveryState {
  listener: string;
  status: EventDeliveryStatus;
  attempts: number;
  /** Whether a failed delivery's backoff has run out (on the database clock). */
  due: boolean;
}

export interface DueListener {
  listener: string;
  /** The attempt this call will be: 1 for a first delivery. */
  attempt: number;
}

export interface DeliveryPlan {
  due: DueListener[];
  /** A listener is still waiting out its backoff: the event is not finished whatever this pass does. */
  waiting: boolean;
}

/**
 * Who gets the event in this pass: every listener without a record, and the
 * failed ones whose backoff has run out. Delivered and dead-lettered
 * deliveries are never run again by the relay (only an ops replay revives a
 * dead one).
 */
export function planDelivery(listeners: readonly string[], states: ReadonlyMap<string, DeliveryState>): DeliveryPlan {
  const due: DueListener[] = [];
  let waiting = false;
  for (const listener of listeners) {
    const state = states.get(listener);
    if (!state) due.push({ listener, attempt: 1 });
    else if (state.status === 'failed' && state.due) due.push({ listener, attempt: state.attempts + 1 });
    else if (state.status === 'failed') waiting = true;
  }
  return { due, waiting };
}

export interface ListenerResult extends DueListener {
  error?: string;
}

/** The new record of one listener after its attempt. */
export interface DeliveryWrite {
  listener: string;
  status: EventDeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** Backoff before the next attempt, for a failed delivery. */
  delayMs: number | null;
}

export interface SettledEvent {
  writes: DeliveryWrite[];
  /** Every listener has it or gave up on it: the event leaves the queue. */
  done: boolean;
  /** The deliveries that just gave up. */
  deadLettered: DeliveryWrite[];
}

/** Turns the attempts of a pass into delivery records: success, a retry with backoff, or the dead letter after `maxAttempts`. */
export function settleDelivery(plan: DeliveryPlan, results: readonly ListenerResult[], maxAttempts: number, backoff: RetryBackoff, random?: () => number): SettledEvent {
  const writes = results.map((r): DeliveryWrite => {
    if (r.error === undefined) return { listener: r.listener, status: 'delivered', attempts: r.attempt, lastError: null, delayMs: null };
    if (r.attempt >= maxAttempts) return { listener: r.listener, status: 'dead', attempts: r.attempt, lastError: r.error, delayMs: null };
    return { listener: r.listener, status: 'failed', attempts: r.attempt, lastError: r.error, delayMs: retryDelayMs(r.attempt, backoff, random) };
  });
  return {
    writes,
    done: !plan.waiting && writes.every((w) => w.status !== 'failed'),
    deadLettered: writes.filter((w) => w.status === 'dead'),
  };
}
