import { SetMetadata } from '@nestjs/common';
import type { BaofooDeliveryOptions } from '../config/baofoo-options.interface.ts';
import { DeliveryDto } from '../config/baofoo-options.dto.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';
import { validationProblems } from '../config/validation-problems.ts';
import type { BaofooEventMap, BaofooEventName } from './baofoo-events.ts';

export const BAOFOO_EVENT_LISTENER = Symbol('BAOFOO_EVENT_LISTENER');

/** What the relay tells a listener besides the event. */
export interface BaofooDeliveryContext {
  /** `ClassName.methodName`, or the `listenerId` given to the decorator. */
  listener: string;
  /** 1 on the first attempt; retries and replays count up (a replay starts again at 1). */
  attempt: number;
  /** Commit → this call, in ms, on the database clock: the outbox lag. */
  lagMs: number;
}

/**
 * `attempts`, `backoff` and `timeoutMs` set this listener's delivery, over
 * the module's `outbox.delivery` (a part left out keeps the module's).
 */
export interface OnBaofooEventOptions extends BaofooDeliveryOptions {
  /**
   * The listener's name in delivery records, in place of `ClassName.methodName`.
   * Give one that survives refactoring: a renamed listener is a new listener,
   * and events already delivered to the old name are not delivered again.
   */
  listenerId?: string;
}

export interface BaofooListenerMetadata {
  events: readonly BaofooEventName[];
  listenerId?: string;
  delivery: BaofooDeliveryOptions;
}

export type BaofooListenerMethod<K extends BaofooEventName> = (event: BaofooEventMap[K], context: BaofooDeliveryContext) => unknown;

/**
 * Marks a provider method as a listener of one or more Baofoo events; its
 * parameter is typed by the event map.
 *
 * The contract is at least once:
 * - the relay awaits the method; returning (or resolving) counts as delivered
 *   and is recorded for this listener alone;
 * - throwing (or rejecting, or running past `timeoutMs`) is retried
 *   with `backoff`, without re-running the other listeners of the event that
 *   already succeeded;
 * - after `attempts` attempts the delivery is dead-lettered: logged,
 *   published as `baofoo.delivery.dead_lettered`, counted in the health
 *   snapshot, and replayable with `OutboxAdminService.replayDeadLetters`;
 * - the same event can still arrive twice (a process that dies after the
 *   listener ran but before its success was recorded, an outcome the
 *   database could not record before the claim's lease ran out, a replay):
 *   dedupe on `event.eventId`;
 * - no order is promised between events, even of the same order: read
 *   `status`/`previousStatus` rather than the arrival order.
 *
 * Plain `@OnEvent('baofoo.payment.succeeded')` subscribers of
 * `@nestjs/event-emitter` also hear committed events, but at most once and
 * fire-and-forget: on the event's first claim only, so one the first claim
 * did not finish (a failed write, a shutdown, a killed process) is not told
 * to them, and their errors are not retried. Anything that must happen goes
 * in an `@OnBaofooEvent` listener.
 *
 * `attempts`, `backoff` and `timeoutMs` default to the module's
 * `outbox.delivery` (8 attempts, 1 s × 3 up to 15 min ±20 %, 30 s). Values
 * out of range stop the app when the class is loaded, naming the listener.
 */
export function OnBaofooEvent<K extends BaofooEventName>(event: K | readonly K[], options: OnBaofooEventOptions = {}): BaofooListenerDecorator<K> {
  const { listenerId, attempts, backoff, timeoutMs } = options;
  const metadata: BaofooListenerMetadata = { events: typeof event === 'string' ? [event] : [...event], listenerId, delivery: { attempts, backoff, timeoutMs } };
  const setMetadata = SetMetadata(BAOFOO_EVENT_LISTENER, metadata);
  return ((target, key, descriptor) => {
    const problems = validationProblems(DeliveryDto, metadata.delivery);
    if (problems.length > 0) {
      const owner = `${(target as { constructor: { name: string } }).constructor.name}.${String(key)}`;
      throw new BaofooConfigError(problems.map((p) => `@OnBaofooEvent on ${owner}: ${p}`));
    }
    setMetadata(target, key, descriptor);
  }) as BaofooListenerDecorator<K>;
}

/** A method decorator that accepts only methods taking the payload of event(s) `K`. */
export type BaofooListenerDecorator<K extends BaofooEventName> = <M extends BaofooListenerMethod<K>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;
