/** How long a failed listener waits before its next attempt. */
export interface RetryBackoff {
  /** Wait after the first failed attempt, in ms. */
  baseMs: number;
  /** Growth per further failure. */
  factor: number;
  /** Longest wait, in ms. */
  maxMs: number;
  /** Relative spread, 0…1: `0.2` draws each wait from ±20% so listeners that failed together do not retry together. */
  jitter: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 1000, factor: 3, maxMs: 15 * 60_000, jitter: 0.2 };

/**
 * The wait after failed attempt number `attempt` (1 = the first attempt
 * failed): exponential, capped, jittered. `random` is injectable so the
 * schedule can be checked exactly.
 */
export function retryDelayMs(attempt: number, backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  const exponential = backoff.baseMs * backoff.factor ** (attempt - 1);
  const capped = Math.min(backoff.maxMs, exponential);
  const spread = capped * backoff.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(backoff.maxMs, capped + spread)));
}
