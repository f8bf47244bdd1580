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
    const exponential = this.firstMs * 2 ** Math.min(this.failures, 30);
    this.failures += 1;
    const capped = Math.min(this.capMs, exponential);
    return Math.max(1, Math.round(Math.min(this.capMs, capped * (1 + 0.2 * (2 * this.random() - 1)))));
  }

  /** A success: the next failure waits `firstMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
