import { AsyncResource } from 'node:async_hooks';

/** Caps of a `GroupCommit`. */
export interface GroupCommitLimits {
  /** Most items one statement carries. 1 runs every item alone. */
  maxBatch: number;
  /** Statements (batches or lone items) running at once; more items wait and join the next batch. */
  maxInFlight: number;
}

interface Waiting<T, R> {
  item: T;
  key: string;
  /** Runs a function in the async context the item was added in (its answer deadline). */
  inContext: <V>(fn: () => V) => V;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items that arrive while up to `maxInFlight` statements are
 * running wait, and the next free slot takes up to `maxBatch` of them in one
 * statement (`runMany`). An item that finds a slot free and nobody waiting
 * goes alone (`runOne`), so no item ever waits for company.
 *
 * - Two items with the same key never share a batch: the later one waits for
 *   a following batch, so it resolves exactly as it would have alone.
 * - A batch that fails is retried one item at a time, each in its own
 *   statement, so one bad item never fails the others. The retries run
 *   outside the cap: the failed batch's slot goes to the next batch at once,
 *   so items queued behind a stalled batch are tried (and answered) promptly.
 * - Each item resolves only with the statement that carried it.
 * - A lone item, and each item of a failed batch, runs in the async context
 *   it was added in; a batch runs in the oldest item's context (the earliest
 *   deadline, when every item gets the same budget from its arrival).
 */
export class GroupCommit<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly runOne: (item: T) => Promise<R>,
    private readonly runMany: (items: T[]) => Promise<R[]>,
    private readonly keyOf: (item: T) => string,
    private readonly limits: GroupCommitLimits,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      // A bare AsyncResource, not AsyncResource.bind: bind defines a deprecated accessor on every bound function (Node 20), 1 % of a notification's CPU.
      const scope = new AsyncResource('BaofooGroupCommit');
      const inContext = <V>(fn: () => V): V => scope.runInAsyncScope(fn);
      this.waiting.push({ item, key: this.keyOf(item), inContext, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.limits.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight += 1;
      void this.attempt(batch).then((outcomes) => {
        // The slot is free before anyone hears an answer or a retry starts: a retry that
        // waits for a stalled database never holds up the items queued behind it.
        this.inFlight -= 1;
        this.dispatch();
        if (outcomes) outcomes.forEach((o, i) => (o.status === 'fulfilled' ? batch[i].resolve(o.value) : batch[i].reject(o.reason)));
        else for (const w of batch) w.inContext(() => this.runOne(w.item)).then(w.resolve, w.reject);
      });
    }
  }

  /** Each item's outcome, or null when the batch failed and each item must be retried alone. */
  private async attempt(batch: Waiting<T, R>[]): Promise<PromiseSettledResult<R>[] | null> {
    if (batch.length === 1) return Promise.allSettled([batch[0].inContext(() => this.runOne(batch[0].item))]);
    try {
      const results = await batch[0].inContext(() => this.runMany(batch.map((w) => w.item)));
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch {
      return null;
    }
  }

  /** The oldest waiting items, at most `maxBatch`, no key twice; the rest keep their places. */
  private take(): Waiting<T, R>[] {
    const batch: Waiting<T, R>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.waiting.length && batch.length < this.limits.maxBatch; ) {
      const w = this.waiting[i];
      if (keys.has(w.key)) {
        i++;
        continue;
      }
      keys.add(w.key);
      batch.push(w);
      this.waiting.splice(i, 1);
    }
    return batch;
  }
}
