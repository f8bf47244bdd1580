import { describe, expect, it } from '@jest/globals';
import { memoryIo } from '../cli-io.ts';
import { runReplayDeadLetters } from './replay-dead-letters.command.ts';

// An address nothing listens on: every refusal below must come before any connection is tried.
const ENV = { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none' };

describe('replay-dead-letters', () => {
  it.each<[string, string[], RegExp]>([
    ['no filter and no --all', [], /say which dead letters to replay .* or --all/],
    ['an event id that is not a uuid', ['--event-id', '42'], /--event-id 42 is not an event id/],
    ['a time that is not one', ['--since', 'yesterday'], /--since yesterday is not a time/],
    ['a limit that is not a positive whole number', ['--all', '--limit', '0'], /--limit 0 is not a positive whole number/],
    ['a stray argument', ['--all', 'now'], /unexpected argument now/],
    ['an unknown flag', ['--everything'], /Unknown option '--everything'/],
  ])('refuses %s, with its usage', async (_case, args, message) => {
    const failure = runReplayDeadLetters(args, ENV, memoryIo());

    await expect(failure).rejects.toMatchObject({ name: 'CliFailure', showUsage: true, message: expect.stringMatching(message) });
  });

  it('refuses to run without DATABASE_URL', async () => {
    await expect(runReplayDeadLetters(['--all'], {}, memoryIo())).rejects.toThrow(/DATABASE_URL is not set/);
  });

  it('says so when the database cannot be reached', async () => {
    await expect(runReplayDeadLetters(['--all', '--dry-run'], ENV, memoryIo())).rejects.toThrow(/cannot connect with DATABASE_URL/);
  });
});
