import type { CliEnv } from './cli-env.ts';
import type { CliIo } from './cli-io.ts';

/** A command: a plain function of its arguments, environment and io, returning the exit code. */
export type CommandRun = (args: readonly string[], env: CliEnv, io: CliIo) => Promise<number>;

export interface CliCommand {
  readonly name: string;
  /** What follows the name on the command line, e.g. `'<query string>'`. */
  readonly usage: string;
  readonly summary: string;
  /** More than the summary for `npx baofoo <command> --help`: flags, defaults, examples. */
  readonly help?: string;
  readonly run: CommandRun;
}
