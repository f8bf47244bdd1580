import { Logger } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import type { CliCommand } from './cli-command.ts';
import { CliFailure } from './cli-failure.ts';
import { memoryIo } from './cli-io.ts';
import { commandHelp, COMMANDS, runCli, usage } from './main.ts';

function fakeCommand(run: CliCommand['run']): CliCommand {
  return { name: 'fake', usage: '<thing>', summary: 'a command for this spec', run };
}

describe('runCli', () => {
  it('offers sign-request, verify-notification, parse-query-answer and encrypt-key, each once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['sign-request', 'verify-notification', 'parse-query-answer', 'encrypt-key']));
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) expect(usage()).toContain(`  ${c.name} ${c.usage}`);
  });

  it('prints the usage on stdout and exits 0 for help', async () => {
    const io = memoryIo();

    expect(await runCli(['help'], {}, io)).toBe(0);
    expect(io.stdout.join('\n')).toBe(usage());
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const io = memoryIo();

    expect(await runCli([], {}, io)).toBe(2);
    expect(io.stderr.join('\n')).toBe(usage());
  });

  it('names an unknown command and exits 2', async () => {
    const io = memoryIo();

    expect(await runCli(['query-all'], {}, io)).toBe(2);
    expect(io.stderr[0]).toBe('unknown command query-all');
  });

  it('passes the remaining arguments, the environment and the io to the command and returns its exit code', async () => {
    const io = memoryIo();
    const seen: unknown[] = [];
    const fake = fakeCommand(async (args, env, given) => {
      seen.push(args, env, given);
      return 1;
    });

    expect(await runCli(['fake', 'a', '--b'], { X: 'y' }, io, [fake])).toBe(1);
    expect(seen).toEqual([['a', '--b'], { X: 'y' }, io]);
  });

  it('prints a command’s failure with its usage when it helps, and exits 2', async () => {
    const io = memoryIo();
    const fake = fakeCommand(async () => {
      throw new CliFailure('needs a thing', true);
    });

    expect(await runCli(['fake'], {}, io, [fake])).toBe(2);
    expect(io.stderr).toEqual(['fake: needs a thing', 'usage: npx baofoo fake <thing>']);
  });

  it('prints a command’s help on stdout for --help anywhere among its arguments, without running it', async () => {
    const io = memoryIo();
    const fake = { ...fakeCommand(async () => 1), help: '  --thing <x>\n      what the thing is' };

    expect(await runCli(['fake', 'a', '--help'], {}, io, [fake])).toBe(0);
    expect(io.stdout.join('\n')).toBe(commandHelp(fake));
    expect(commandHelp(fake)).toBe('usage: npx baofoo fake <thing>\n\na command for this spec\n\n  --thing <x>\n      what the thing is');
  });

  it('sends what the reused services log through Nest’s Logger to stderr, keeping stdout for the data', async () => {
    const io = memoryIo();
    const fake = fakeCommand(async (_args, _env, given) => {
      new Logger('BaofooOperations').log('order T1 resolved');
      new Logger('BaofooOperations').warn('careful');
      new Logger('BaofooOperations').debug('noise');
      given.out('the data');
      return 0;
    });

    expect(await runCli(['fake'], {}, io, [fake])).toBe(0);
    expect(io.stdout).toEqual(['the data']);
    expect(io.stderr).toEqual(['LOG [BaofooOperations] order T1 resolved', 'WARN [BaofooOperations] careful']);
  });

  it('lets unexpected errors through rather than disguising them as a verdict', async () => {
    const fake = fakeCommand(async () => {
      throw new TypeError('a bug');
    });

    await expect(runCli(['fake'], {}, memoryIo(), [fake])).rejects.toThrow('a bug');
  });
});
