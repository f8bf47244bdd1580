import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** An app of the chaos suites in a process of its own (so an unhandled error really ends it), and how to watch it. */
export interface AppProcess {
  child: ChildProcess;
  /** The URL the app reported once it listened (`{ ready: url }`). */
  url: string;
  /** Rejects when the process exits, whatever the reason: race it against what the test waits for. */
  died: Promise<never>;
  /** How the process exited (`code …, signal …`), undefined while it runs. */
  exit(): string | undefined;
  /** SIGKILL, once, and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts `script` (TypeScript, through the swc loader) with `env` added to this process's, and resolves once it reports `{ ready }`. */
export async function startAppProcess(script: URL, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', new URL('../events/child/swc-register.mjs', import.meta.url).href, fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Through this process's streams: a jest worker shows what it writes, not what a child writes to the inherited descriptors.
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let exit: string | undefined;
  const died = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      exit = `code ${code}, signal ${signal}`;
      reject(new Error(`the app's process exited (${exit})`));
    });
  });
  died.catch(() => undefined);
  const url = await Promise.race([new Promise<string>((resolve) => child.on('message', (m: { ready?: string }) => m.ready && resolve(m.ready))), died]);
  return {
    child,
    url,
    died,
    exit: () => exit,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
