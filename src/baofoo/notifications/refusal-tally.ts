import type { LedgerEntry } from './ledger-entry.ts';

/** Limits of the in-memory tally of unsigned refusals (see `BaofooRefusalOptions`). */
export interface RefusalTallyLimits {
  windowMs: number;
  /** Refusals per source and window kept whole as ledger samples. */
  samplesPerSource: number;
  /** Sources tracked one by one per window; the rest share `OVERFLOW_SOURCE`. */
  maxSources: number;
  /** Samples held between two flushes, whatever the number of sources. */
  maxPendingSamples: number;
}

/** Where refusals from sources beyond `maxSources` are counted together. */
export const OVERFLOW_SOURCE = '*';

/** The characters of a refused request kept on its count row (the samples keep up to the body limit). */
export const COUNT_SAMPLE_CHARS = 256;

/** One aggregated row: refusals of one reason from one source in one window. */
export interface RefusalCount {
  windowStart: Date;
  sourceIp: string;
  reasonCode: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  sampleMethod: string;
  sampleBody: string;
}

/** A refusal kept whole for the ledger (verdict `rejected`, no event). */
export type RefusalSample = LedgerEntry & { receivedAt: Date };

export interface RefusalBatch {
  counts: RefusalCount[];
  samples: RefusalSample[];
}

export interface NotedRefusal {
  at: Date;
  sourceIp: string;
  reasonCode: string;
  method: string;
  rawBody: string;
  /** Built only when the refusal is sampled. */
  sample: () => LedgerEntry;
}

/**
 * Counts refusals in memory, bounded whatever arrives: per window, at most
 * `maxSources` sources get rows of their own (the rest share one), at most
 * `samplesPerSource` refusals of a source are kept whole, and at most
 * `maxPendingSamples` samples wait for the next flush. Pure: the caller
 * passes the time and drains the batch.
 */
export class RefusalTally {
  private readonly counts = new Map<string, RefusalCount>();
  private samples: RefusalSample[] = [];
  private budgetWindow = -1;
  private readonly sampledBySource = new Map<string, number>();

  constructor(private readonly limits: RefusalTallyLimits) {}

  note(r: NotedRefusal): void {
    const windowMs = Math.floor(r.at.getTime() / this.limits.windowMs) * this.limits.windowMs;
    if (windowMs !== this.budgetWindow) {
      this.budgetWindow = windowMs;
      this.sampledBySource.clear();
    }
    let source = r.sourceIp;
    const sampled = this.sampledBySource.get(source);
    if (sampled === undefined && this.sampledBySource.size >= this.limits.maxSources) source = OVERFLOW_SOURCE;
    else {
      this.sampledBySource.set(source, (sampled ?? 0) + 1);
      if ((sampled ?? 0) < this.limits.samplesPerSource && this.samples.length < this.limits.maxPendingSamples) {
        this.samples.push({ ...r.sample(), receivedAt: r.at });
      }
    }
    this.add({ windowStart: new Date(windowMs), sourceIp: source, reasonCode: r.reasonCode, count: 1, firstSeenAt: r.at, lastSeenAt: r.at, sampleMethod: r.method, sampleBody: r.rawBody.slice(0, COUNT_SAMPLE_CHARS) });
  }

  /** Everything noted since the last drain. */
  drain(): RefusalBatch {
    const batch = { counts: [...this.counts.values()], samples: this.samples };
    this.counts.clear();
    this.samples = [];
    return batch;
  }

  /**
   * Takes back what a failed flush could not write, so no count is lost; rows
   * beyond the bound fold into their window's overflow row, and samples beyond
   * `maxPendingSamples` are dropped (the counts still say what happened).
   */
  restore(counts: readonly RefusalCount[], samples: readonly RefusalSample[] = []): void {
    this.samples = [...samples, ...this.samples].slice(0, this.limits.maxPendingSamples);
    for (const c of counts) {
      const bounded = this.counts.size < this.limits.maxSources * 4 || this.counts.has(this.keyOf(c)) ? c : { ...c, sourceIp: OVERFLOW_SOURCE };
      this.add(bounded);
    }
  }

  /** Count rows waiting (a bounded number). */
  get pendingRows(): number {
    return this.counts.size;
  }

  private keyOf(c: Pick<RefusalCount, 'windowStart' | 'sourceIp' | 'reasonCode'>): string {
    return `${c.windowStart.getTime()}\u0000${c.sourceIp}\u0000${c.reasonCode}`;
  }

  private add(c: RefusalCount): void {
    const key = this.keyOf(c);
    const had = this.counts.get(key);
    if (!had) {
      this.counts.set(key, { ...c });
      return;
    }
    had.count += c.count;
    if (c.firstSeenAt < had.firstSeenAt) had.firstSeenAt = c.firstSeenAt;
    if (c.lastSeenAt > had.lastSeenAt) had.lastSeenAt = c.lastSeenAt;
  }
}
