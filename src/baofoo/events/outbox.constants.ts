import { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './retry-backoff.ts';

/** The NOTIFY channel of the outbox's insert trigger (see the event-delivery migration). */
export const OUTBOX_CHANNEL = 'baofoo_outbox';

/** Relay settings beyond `outbox` in the module options (`OutboxTuning`); override the provider to change them. */
export const BAOFOO_OUTBOX_TUNING = Symbol('BAOFOO_OUTBOX_TUNING');

export interface OutboxTuning {
  /** Events claimed per relay pass (one transaction). */
  batchSize: number;
  /** Events of a pass delivered at once. */
  concurrency: number;
  /** A listener still running after this long counts as failed (its promise is left to finish on its own). */
  listenerTimeoutMs: number;
  /** On shutdown, how long a pass in flight may finish before its transaction is cut (its events go back to the queue). */
  shutdownGraceMs: number;
  /** Wait before reconnecting the LISTEN connection after it dropped. */
  reconnectMs: number;
  backoff: RetryBackoff;
}

export const DEFAULT_OUTBOX_TUNING: OutboxTuning = {
  batchSize: 200,
  concurrency: 16,
  listenerTimeoutMs: 30_000,
  shutdownGraceMs: 10_000,
  reconnectMs: 1000,
  backoff: DEFAULT_RETRY_BACKOFF,
};
