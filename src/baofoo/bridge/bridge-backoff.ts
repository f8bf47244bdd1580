import { retryDelayMs } from '../events/retry-backoff.ts';

/**
 * The bridge's wait between attempts while the broker is out of reach:
 * `firstMs` after the first failure, doubled per further failure, never more
 * than `capMs`, with ±20 % jitter so the instances of a fleet that lost the
 * broker together do not all come back at the same moment.
 */
export class BridgeBackoff {
  private failures = 0;

  constructor(
    private readonly firstMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait after one more failure. */
  next(): number {
    this.failures += 1;
    // The listeners' schedule with the bridge's constants; an exponent past the float range is capped to maxMs.
    return Math.max(1, retryDelayMs(this.failures, { baseMs: this.firstMs, factor: 2, maxMs: this.capMs, jitter: 0.2 }, this.random));
  }

  /** A success: the next failure waits `firstMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
