/**
 * One log line per window for a failure that repeats with every request (a
 * database outage answers each notification 503): the first occurrence at
 * once, then at most one line per `windowMs` that counts what it held back,
 * so an outage of a minute writes a few lines, not thousands.
 */
export class LogThrottle {
  private windowStart = -Infinity;
  private held = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The line to write for this occurrence, or null to hold it back (counted in the next line). */
  line(message: string): string | null {
    const at = this.now();
    if (at - this.windowStart < this.windowMs) {
      this.held += 1;
      return null;
    }
    const held = this.held;
    this.windowStart = at;
    this.held = 0;
    return held === 0 ? message : `${message} (and ${held} more like it in the last ${Math.round(this.windowMs / 1000)} s)`;
  }
}
