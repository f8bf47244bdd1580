import type { Clock } from '../baofoo/protocol/trade-time.ts';
import { systemClock } from '../baofoo/protocol/trade-time.ts';

/**
 * Everything a command touches besides its arguments and configuration, so a
 * spec runs a command in memory and reads what it printed.
 */
export interface CliIo {
  /** One line of the command's result, on stdout. */
  out(line: string): void;
  /** One line of diagnostics or warnings, on stderr. */
  err(line: string): void;
  /** All of stdin, for secrets that must not appear in the shell history. */
  readStdin(): Promise<string>;
  /** Resolves with the signal's name when the process is asked to stop (SIGINT, SIGTERM): for commands that serve until then. */
  untilStopped(): Promise<string>;
  readonly clock: Clock;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    async readStdin() {
      if (process.stdin.isTTY) process.stderr.write('Paste the key, then press Enter and Ctrl-D:\n');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    untilStopped: () =>
      new Promise((resolve) => {
        const stop = (signal: string) => {
          for (const s of STOP_SIGNALS) process.off(s, stop);
          resolve(signal);
        };
        for (const s of STOP_SIGNALS) process.on(s, stop);
      }),
    clock: systemClock,
  };
}

export interface MemoryIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** An io that records output and serves a fixed stdin and time: for specs. `stopped` stands for the stop signal (never, by default). */
export function memoryIo(options: { stdin?: string; now?: Date; stopped?: Promise<string> } = {}): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const now = options.now ?? new Date('2025-03-14T09:30:15+08:00');
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    readStdin: async () => options.stdin ?? '',
    untilStopped: () => options.stopped ?? new Promise<string>(() => {}),
    clock: () => now,
  };
}
