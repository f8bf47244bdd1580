/** One call of a test listener. */
export interface RecordedCall {
  app: string;
  listener: string;
  eventId: string;
  attempt: number;
  payload: Record<string, unknown>;
  lagMs?: number;
}

/**
 * What the test listeners saw, shared by every app of a test, with a way to
 * await a condition over it instead of sleeping.
 */
export class DeliveryRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly counts = new Map<string, number>();
  private waiters: { done: () => boolean; resolve: () => void }[] = [];

  record(call: RecordedCall): void {
    this.calls.push(call);
    this.counts.set(call.listener, (this.counts.get(call.listener) ?? 0) + 1);
    this.waiters = this.waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
  }

  of(listener: string): RecordedCall[] {
    return this.calls.filter((c) => c.listener === listener);
  }

  /** Calls of a listener so far, in constant time (conditions are checked after every call). */
  count(listener: string): number {
    return this.counts.get(listener) ?? 0;
  }

  /** Resolves once `done()` holds; fails after `timeoutMs` with what was seen. */
  until(done: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== finish);
        reject(new Error(`${what} not reached within ${timeoutMs} ms (${this.calls.length} calls recorded)`));
      }, timeoutMs);
      timer.unref();
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ done, resolve: finish });
    });
  }

  /** Distinct event ids a listener received. */
  eventIds(listener: string): Set<string> {
    return new Set(this.of(listener).map((c) => c.eventId));
  }
}
