/**
 * Writes items as they come, coalescing those that arrive while a write is
 * running into the next one: each `add` resolves once the write that carried
 * its item has finished (or rejects with its error). One write at a time, so
 * a burst costs a few statements and one connection, not one per item.
 * With `gapMs`, writes start at least that far apart: items arriving at a
 * steady rate share a write per gap instead of each taking one.
 */
export class BatchedWriter<T> {
  private queued: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private lastStart = -Infinity;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
    private readonly gapMs = 0,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queued.length > 0) {
        const wait = this.lastStart + this.gapMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastStart = performance.now();
        const batch = this.queued.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
