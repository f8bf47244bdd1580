/**
 * The most recent commit→listener lags, for a p99 that reflects the last
 * minutes rather than the life of the process. Fixed memory: a ring of
 * samples, each with the time it was taken.
 */
export class LagWindow {
  private readonly values: Float64Array;
  private readonly takenAt: Float64Array;
  private next = 0;
  private size = 0;

  constructor(
    readonly capacity = 4096,
    readonly maxAgeMs = 5 * 60_000,
  ) {
    this.values = new Float64Array(capacity);
    this.takenAt = new Float64Array(capacity);
  }

  record(lagMs: number, now = Date.now()): void {
    this.values[this.next] = lagMs;
    this.takenAt[this.next] = now;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Nearest-rank percentile (0 < p ≤ 100) of the samples younger than `maxAgeMs`; null without samples. */
  percentile(p: number, now = Date.now()): number | null {
    const recent: number[] = [];
    for (let i = 0; i < this.size; i++) if (now - this.takenAt[i] <= this.maxAgeMs) recent.push(this.values[i]);
    if (recent.length === 0) return null;
    recent.sort((a, b) => a - b);
    return recent[Math.min(recent.length - 1, Math.max(0, Math.ceil((p / 100) * recent.length) - 1))];
  }
}
