import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

/** Where a server's time went between a mark and a stats call, measured inside its own process. */
export interface LoopStats {
  /** Lateness of a 10 ms timer beyond its 10 ms, p99, in ms: how long a request that arrived could wait for the loop. */
  delayP99Ms: number | null;
  /** Garbage-collection pauses, summed, in ms per second of the window. */
  gcPauseMsPerS: number | null;
}

// 10 ms keeps the timer's own wake-ups (100 a second) out of the CPU figures measured over the same windows.
const RESOLUTION_MS = 10;

const round1 = (v: number) => Math.round(v * 10) / 10;

/** An event-loop delay histogram and a GC observer, restarted by `reset()`. */
export class LoopWatch {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.gcMs += entry.duration;
  });
  private gcMs = 0;
  private since = performance.now();

  constructor() {
    this.delay.enable();
    this.gc.observe({ entryTypes: ['gc'] });
  }

  reset(): void {
    this.delay.reset();
    this.gcMs = 0;
    this.since = performance.now();
  }

  read(): LoopStats {
    const seconds = (performance.now() - this.since) / 1000;
    return {
      // The histogram holds whole intervals between wake-ups (an idle process reads 10.1 ms p50, 12.8 p99 here), not lateness.
      delayP99Ms: this.delay.count ? round1(Math.max(0, this.delay.percentile(99) / 1e6 - RESOLUTION_MS)) : null,
      gcPauseMsPerS: seconds > 0 ? round1(this.gcMs / seconds) : null,
    };
  }

  stop(): void {
    this.delay.disable();
    this.gc.disconnect();
  }
}
