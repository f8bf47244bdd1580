export interface ClaimTiming {
  /** A pass runs at least this often, whatever wakes the relay or not. */
  pollIntervalMs: number;
  /** Least time between the starts of two passes started by `wakeSoon`. */
  minClaimGapMs: number;
}

/**
 * When the relay claims: one pass at a time, a pass right away on `wake()`,
 * at most one per `minClaimGapMs` on `wakeSoon()` (so under steady load the
 * events committed in the gap share a pass instead of each getting one), one
 * more pass after the current one when a wake-up came while it ran, and a
 * pass every `pollIntervalMs` after the last one ended (retries that came
 * due, a lost LISTEN connection, leases that ran out).
 *
 * `pass` gets `claimStarts`, to call just before each claim statement: the
 * statement sees every commit made until then, so the wake-ups that came
 * before it need no pass of their own.
 */
export class OutboxClaimScheduler {
  private timer: NodeJS.Timeout | null = null;
  private passing: Promise<void> | null = null;
  /** When the last pass started (`now()`). */
  private lastPassAt = -Infinity;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: (claimStarts: () => void) => Promise<void>,
    private readonly timing: ClaimTiming,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A pass now, or right after the one running. */
  wake(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.lastPassAt = this.now();
    this.passing = this.pass(() => {
      this.again = false;
    }).finally(() => {
      this.passing = null;
      this.afterPass();
    });
  }

  /** A pass as soon as `minClaimGapMs` since the last one started allows, or right after the one running. */
  wakeSoon(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    const wait = this.lastPassAt + this.timing.minClaimGapMs - this.now();
    if (wait <= 0) {
      this.wake();
      return;
    }
    this.setTimer(wait);
  }

  /** No pass starts any more; the one running (if any) goes on, `settled()` awaits it. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** Resolves when the pass running now (if any) has ended. */
  async settled(): Promise<void> {
    await this.passing;
  }

  private afterPass(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wakeSoon();
      return;
    }
    this.setTimer(this.timing.pollIntervalMs);
  }

  private setTimer(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
