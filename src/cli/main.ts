#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { pathToFileURL } from 'node:url';
import type { CliCommand } from './cli-command.ts';
import { asyncApiCommand } from './commands/asyncapi.command.ts';
import { loadCliEnv, type CliEnv } from './cli-env.ts';
import { CliFailure, EXIT_FAILURE, EXIT_OK } from './cli-failure.ts';
import { processIo, type CliIo } from './cli-io.ts';
import { cliLogger } from './cli-logger.ts';
import { doctorCommand } from './commands/doctor.command.ts';
import { encryptKeyCommand } from './commands/encrypt-key.command.ts';
import { migrateCommand } from './commands/migrate.command.ts';
import { parseQueryAnswerCommand } from './commands/parse-query-answer.command.ts';
import { queryCommand } from './commands/query.command.ts';
import { replayDeadLettersCommand } from './commands/replay-dead-letters.command.ts';
import { resolveReviewCommand } from './commands/resolve-review.command.ts';
import { sandboxCommand } from './commands/sandbox.command.ts';
import { schemaCommand } from './commands/schema.command.ts';
import { signRequestCommand } from './commands/sign-request.command.ts';
import { verifyNotificationCommand } from './commands/verify-notification.command.ts';

/** One line per command; a new command is a file in commands/ and a line here. */
export const COMMANDS: readonly CliCommand[] = [
  signRequestCommand,
  verifyNotificationCommand,
  parseQueryAnswerCommand,
  encryptKeyCommand,
  doctorCommand,
  queryCommand,
  replayDeadLettersCommand,
  resolveReviewCommand,
  migrateCommand,
  schemaCommand,
  sandboxCommand,
  asyncApiCommand,
];

export function usage(commands: readonly CliCommand[] = COMMANDS): string {
  return [
    'usage: npx baofoo <command> [arguments]',
    '',
    'Uses config/${NODE_ENV}.env (development by default); variables set in the environment win.',
    '',
    ...commands.flatMap((c) => [`  ${c.name} ${c.usage}`, `      ${c.summary}`]),
    '',
    '`npx baofoo <command> --help` says more about one command.',
    'exit codes: 0 done or valid, 1 checked and invalid, 2 could not run (arguments or configuration)',
  ].join('\n');
}

/** `npx baofoo <command> --help`: its usage line, summary and details, on stdout. */
export function commandHelp(command: CliCommand): string {
  return [`usage: npx baofoo ${command.name} ${command.usage}`, '', command.summary, ...(command.help ? ['', command.help] : [])].join('\n');
}

export async function runCli(argv: readonly string[], env: CliEnv, io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  // The CLI owns its process: what the reused services log goes to the io's stderr, never among the data.
  Logger.overrideLogger(cliLogger(io));
  if (name === undefined) {
    io.err(usage(commands));
    return EXIT_FAILURE;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage(commands));
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`unknown command ${name}`);
    io.err(usage(commands));
    return EXIT_FAILURE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(args, env, io);
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e;
    io.err(`${command.name}: ${e.message}`);
    if (e.showUsage) io.err(`usage: npx baofoo ${command.name} ${command.usage}`);
    return EXIT_FAILURE;
  }
}

async function main(): Promise<number> {
  const io = processIo();
  try {
    return await runCli(process.argv.slice(2), loadCliEnv(process.env, process.cwd()), io);
  } catch (e) {
    io.err(e instanceof CliFailure ? e.message : `unexpected error: ${(e as Error).stack ?? String(e)}`);
    return EXIT_FAILURE;
  }
}

// Run only as the entry point, so specs can import runCli without starting it.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main();
}
