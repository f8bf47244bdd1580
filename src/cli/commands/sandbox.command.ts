import { startSandboxGateway, PUBLISHED_TEST_MERCHANT } from '../../sandbox/index.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';
import { SANDBOX_ARGS, SANDBOX_HELP, sandboxOptionsFrom, type SandboxArgs } from './sandbox-flags.ts';

/**
 * Serves the sandbox gateway until the process is asked to stop, then stops
 * it (pending notification retries are cancelled) and exits 0. The address
 * goes to stdout, where a script waits for it; events go to stderr.
 */
export async function runSandbox(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, SANDBOX_ARGS);
  if (positionals.length > 0) throw new CliFailure(`unexpected argument ${positionals[0]}`, true);
  const options = sandboxOptionsFrom(values as SandboxArgs, env);
  const stopped = io.untilStopped();
  let gateway;
  try {
    gateway = await startSandboxGateway({ ...options, log: (line) => io.err(`[sandbox] ${line}`) });
  } catch (e) {
    // A refused option (TypeError from the sandbox's own checks) or a port in use.
    throw new CliFailure((e as Error).message);
  }
  const merchants = (options.merchants ?? [PUBLISHED_TEST_MERCHANT]).map((m) => `${m.memberId}/${m.terminalId}`).join(', ');
  io.out(`Baofoo sandbox gateway listening on ${gateway.url}`);
  io.out(`  payment form:  POST ${gateway.payindexUrl}`);
  io.out(`  order query:   POST ${gateway.queryUrl}`);
  io.out(`  records:       GET  ${gateway.url}/_sandbox/records`);
  io.out(`  merchants:     ${merchants}`);
  io.out(`  your app:      BAOFOO_ENV=sandbox BAOFOO_SANDBOX_URL=${gateway.url}`);
  io.err('Ctrl-C stops it.');
  const signal = await stopped;
  await gateway.stop();
  io.err(`sandbox stopped (${signal})`);
  return EXIT_OK;
}

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  usage: '[--port <n>] [--member-id <id> --terminal-id <id> --key <key>] [fault flags…]',
  summary: 'run the local sandbox gateway (cashier page, notifications, order query, faults) until Ctrl-C',
  help: SANDBOX_HELP,
  run: runSandbox,
};
