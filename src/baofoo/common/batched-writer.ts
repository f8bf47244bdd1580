export interface BatchedWriterOptions {
  /** Most items one write carries. */
  maxBatch?: number;
  /**
   * How long the first item of a quiet period waits for company before it is
   * written, in ms (0: at once). Only an idle writer lingers: items arriving
   * while a write runs, or enough to fill a batch, are written with no wait.
   */
  lingerMs?: number;
}

/**
 * Writes items as they come, coalescing those that arrive while a write is
 * running (or while the first one lingers) into the next one: each `add`
 * resolves once the write that carried its item has finished (or rejects
 * with its error). One write at a time, so a burst costs a few statements and
 * one connection, not one per item.
 */
export class BatchedWriter<T> {
  private queued: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private lingering: NodeJS.Timeout | null = null;
  private drained: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;
  private lingerMs: number;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    options: BatchedWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.lingerMs = options.lingerMs ?? 0;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      // A write under way takes it next, at once.
      if (this.running) return;
      if (this.lingerMs > 0 && this.queued.length < this.maxBatch) {
        this.lingering ??= setTimeout(() => this.start(), this.lingerMs);
        return;
      }
      this.start();
    });
  }

  /** Writes what is queued without waiting out the linger; resolves once nothing is left to write (whatever the writes' outcome). */
  async flush(): Promise<void> {
    if (!this.running && this.queued.length > 0) this.start();
    await this.drained;
  }

  /** No item waits for company from now on (a writer being shut down): what lingers is written at once, later items as they come. */
  stopLingering(): void {
    this.lingerMs = 0;
    if (this.lingering) this.start();
  }

  private start(): void {
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    this.running = true;
    this.drained = this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.queued.length > 0) {
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
