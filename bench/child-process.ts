import { fork, type ChildProcess } from 'node:child_process';
import type { LoopStats } from './servers/loop-watch.ts';
import type { RssStats } from './servers/server-harness.ts';

export interface ServerStats {
  rss: RssStats;
  /** Since the last mark; null for servers that do not watch their loop (the floors, naive). */
  loop: LoopStats | null;
  extra: Record<string, unknown>;
}

export interface ServerHandle {
  url: string;
  /** The server's process id, for its CPU time in /proc. */
  pid: number;
  /** Restarts the RSS window and the event-loop and GC figures. */
  mark(): void;
  /** With `retained`, the server first runs a full collection (a pause: never inside a measured window). */
  stats(options?: { retained?: boolean }): Promise<ServerStats>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** Forks a server under test (compiled .js next to this file) and waits for its port. */
export async function startServer(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<ServerHandle> {
  const child = fork(new URL(script, import.meta.url), [], { env: { ...process.env, ...env }, execArgv, stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port!));
  });
  let nextId = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    mark: () => child.send({ type: 'mark' }),
    stats: (options = {}) =>
      new Promise((resolve) => {
        const id = ++nextId;
        const onMessage = (m: { type: string; id?: number } & ServerStats) => {
          if (m.type !== 'stats' || m.id !== id) return;
          child.off('message', onMessage);
          resolve({ rss: m.rss, loop: m.loop, extra: m.extra });
        };
        child.on('message', onMessage);
        child.send({ type: 'stats', id, retained: options.retained });
      }),
    stop: async () => {
      child.removeAllListeners('exit');
      const done = exited(child);
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Runs one job in a fresh load-generator process and returns its result; a job still running after `timeoutMs` is killed. */
export async function runWorker<R>(job: unknown, timeoutMs = 10 * 60_000): Promise<R> {
  const child = fork(new URL('./load.worker.js', import.meta.url), [], { stdio: 'inherit' });
  let timer: NodeJS.Timeout | undefined;
  const result = new Promise<R>((resolve, reject) => {
    child.on('message', (m: { type: string; result?: R; message?: string }) => (m.type === 'result' ? resolve(m.result!) : reject(new Error(m.message))));
    child.once('exit', (code) => reject(new Error(`load worker exited with ${code}`)));
    timer = setTimeout(() => {
      reject(new Error(`load worker still running after ${timeoutMs} ms: killed`));
      child.kill('SIGKILL');
    }, timeoutMs);
  });
  child.send(job as object);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    await exited(child);
  }
}
