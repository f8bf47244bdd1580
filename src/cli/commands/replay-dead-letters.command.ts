import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterFilter } from '../../baofoo/events/dead-letter-replay.ts';
import type { CliCommand } from '../cli-command.ts';
import { openCliDatabase } from '../cli-database.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function time(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new CliFailure(`${flag} ${text} is not a time (ISO 8601, e.g. 2025-11-25T08:00:00+08:00)`, true);
  return at;
}

function filterFrom(args: readonly string[]): { filter: DeadLetterFilter; dryRun: boolean; json: boolean } {
  const { values, positionals } = parseCommandArgs(args, {
    'event-id': { type: 'string', multiple: true },
    listener: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new CliFailure(`unexpected argument ${positionals[0]}`, true);
  const eventIds = values['event-id'] ?? [];
  for (const id of eventIds) if (!UUID.test(id)) throw new CliFailure(`--event-id ${id} is not an event id (a uuid)`, true);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliFailure(`--limit ${values.limit} is not a positive whole number`, true);
  const filter: DeadLetterFilter = { eventIds, listener: values.listener, type: values.type, since: time(values.since, '--since'), until: time(values.until, '--until'), limit };
  const narrowed = eventIds.length > 0 || [filter.listener, filter.type, filter.since, filter.until].some((v) => v !== undefined);
  // Replaying everything is a deliberate act, not the result of a forgotten flag.
  if (!narrowed && !values.all) throw new CliFailure('say which dead letters to replay (--event-id, --listener, --type, --since, --until) or --all', true);
  return { filter, dryRun: values['dry-run'] ?? false, json: values.json ?? false };
}

function describe(d: DeadLetter): string {
  const error = (d.lastError ?? '').split('\n', 1)[0];
  return `${d.eventId} ${d.type} → ${d.listener}: ${d.attempts} attempts, dead since ${d.deadAt.toISOString()}${d.replays ? `, replayed ${d.replays}×` : ''}: ${error}`;
}

const deliveries = (n: number) => `${n} dead-lettered deliver${n === 1 ? 'y' : 'ies'}`;

/**
 * Replays dead-lettered event deliveries: each named listener gets the event
 * again with a fresh set of attempts, the event's other listeners are not
 * called. The running apps' relays do the delivery (they are woken at once).
 */
export async function runReplayDeadLetters(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { filter, dryRun, json } = filterFrom(args);
  const db = await openCliDatabase(env, 'baofoo-cli-replay');
  try {
    const found = dryRun ? await listDeadLetters(db, filter) : await replayDeadLetters(db, filter);
    if (json) {
      io.out(JSON.stringify({ dryRun, count: found.length, deadLetters: found }, null, 2));
      return EXIT_OK;
    }
    for (const d of found) io.out(describe(d));
    io.out(dryRun ? `${deliveries(found.length)} would be replayed (dry run)` : `${deliveries(found.length)} replayed`);
    return EXIT_OK;
  } finally {
    await db.end();
  }
}

export const replayDeadLettersCommand: CliCommand = {
  name: 'replay-dead-letters',
  usage: '(--event-id <uuid>… | --listener <Class.method> | --type <event> | --since <time> | --until <time> | --all) [--limit <n>] [--dry-run] [--json]',
  summary: 'give dead-lettered event deliveries a fresh set of attempts (only the listeners that gave up run again); --dry-run lists them; --json for a script',
  run: runReplayDeadLetters,
};
