import { LoopWatch } from './loop-watch.ts';

/**
 * The child side of a server under test: tells the parent its port, samples
 * its own RSS (and, when asked, its event-loop delay and GC pauses), and
 * answers the parent's questions over IPC.
 */

export interface ServerUnderTest {
  port: number;
  close(): Promise<void>;
  /** Server-specific figures (e.g. the module's outbox lag). */
  stats?(): Promise<Record<string, unknown>>;
}

export type ParentMessage = { type: 'mark' } | { type: 'stats'; id: number; retained?: boolean } | { type: 'stop' };

export interface RssStats {
  /** Largest RSS since the last mark, in MB. */
  peakMb: number;
  /** Samples since the last mark, in MB, one every `intervalMs`. */
  samplesMb: number[];
  intervalMs: number;
  /**
   * V8 heap in use right after a full collection, in MB, when the parent asked for it: what the
   * process retains, which a leak grows (RSS also grows while V8 sizes its heap to the load, so over
   * a minute it says little). Null when not asked, or when the server runs without --expose-gc.
   */
  retainedMb: number | null;
}

const SAMPLE_MS = 250;

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function retainedMb(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** `watchLoop` is for the module's servers: the floors stay as bare as they are meant to be. */
export async function runServer(start: () => Promise<ServerUnderTest>, options: { watchLoop?: boolean } = {}): Promise<void> {
  const server = await start();
  const loop = options.watchLoop ? new LoopWatch() : null;
  let samples: number[] = [];
  const sample = () => samples.push(process.memoryUsage().rss / 1_048_576);
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  process.on('message', (m: ParentMessage) => {
    void (async () => {
      if (m.type === 'mark') {
        samples = [];
        sample();
        loop?.reset();
      } else if (m.type === 'stats') {
        sample();
        // Read before the full collection `retained` asks for, which is no pause of the window's.
        const window = loop?.read() ?? null;
        const rss: RssStats = { peakMb: Math.max(...samples), samplesMb: samples, intervalMs: SAMPLE_MS, retainedMb: m.retained ? retainedMb() : null };
        process.send!({ type: 'stats', id: m.id, rss, loop: window, extra: server.stats ? await server.stats() : {} });
      } else if (m.type === 'stop') {
        clearInterval(timer);
        loop?.stop();
        await server.close();
        process.disconnect();
      }
    })();
  });
  process.send!({ type: 'ready', port: server.port });
}
