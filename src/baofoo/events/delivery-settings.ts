import type { BaofooDeliveryOptions } from '../config/baofoo-options.interface.ts';
import { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './retry-backoff.ts';

/** How the relay delivers an event to one listener. */
export interface DeliverySettings {
  /** Attempts before the delivery is dead-lettered. */
  attempts: number;
  /** The wait before each retry. */
  backoff: RetryBackoff;
  /** A call still running after this long counts as a failed attempt (its promise is left to finish on its own). */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { attempts: 8, backoff: DEFAULT_RETRY_BACKOFF, timeoutMs: 30_000 };

/** `over` on top of `base`, field by field: an undefined field keeps the base's. */
export function deliverySettings(base: DeliverySettings, over: BaofooDeliveryOptions = {}): DeliverySettings {
  const b = over.backoff ?? {};
  return {
    attempts: over.attempts ?? base.attempts,
    timeoutMs: over.timeoutMs ?? base.timeoutMs,
    backoff: {
      baseMs: b.baseMs ?? base.backoff.baseMs,
      factor: b.factor ?? base.backoff.factor,
      maxMs: b.maxMs ?? base.backoff.maxMs,
      jitter: b.jitter ?? base.backoff.jitter,
    },
  };
}
