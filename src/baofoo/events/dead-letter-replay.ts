import type { BaofooTransaction } from '../database/baofoo-database.ts';
import { OUTBOX_CHANNEL } from './outbox.constants.ts';

/** Which dead-lettered deliveries to act on; the fields combine (AND). Empty means all. */
export interface DeadLetterFilter {
  eventIds?: readonly string[];
  /** `ClassName.methodName` (or a listenerId). */
  listener?: string;
  /** Event name, e.g. `baofoo.payment.succeeded`. */
  type?: string;
  /** Dead-lettered at or after. */
  since?: Date;
  /** Dead-lettered before. */
  until?: Date;
  /** At most this many, oldest first. Default 1000. */
  limit?: number;
}

export interface DeadLetter {
  eventId: string;
  type: string;
  listener: string;
  attempts: number;
  lastError: string | null;
  deadAt: Date;
  replays: number;
}

/** The module's database, or one of its transactions. */
type Queryable = BaofooTransaction;

const WHERE = `d.status = 'dead'
  AND ($1::uuid[] IS NULL OR d.event_id = ANY($1::uuid[]))
  AND ($2::text IS NULL OR d.listener = $2)
  AND ($3::text IS NULL OR d.event_type = $3)
  AND ($4::timestamptz IS NULL OR d.dead_at >= $4)
  AND ($5::timestamptz IS NULL OR d.dead_at < $5)`;

function params(filter: DeadLetterFilter): unknown[] {
  return [filter.eventIds?.length ? [...filter.eventIds] : null, filter.listener ?? null, filter.type ?? null, filter.since ?? null, filter.until ?? null, filter.limit ?? 1000];
}

interface Row {
  event_id: string;
  event_type: string;
  listener: string;
  attempts: number;
  last_error: string | null;
  dead_at: Date;
  replays: number;
}

const toDeadLetter = (r: Row): DeadLetter => ({
  eventId: r.event_id,
  type: r.event_type,
  listener: r.listener,
  attempts: r.attempts,
  lastError: r.last_error,
  deadAt: r.dead_at,
  replays: r.replays,
});

/** The dead-lettered deliveries that match, oldest first. */
export async function listDeadLetters(db: Queryable, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const rows = await db.query<Row>(
    `SELECT d.event_id, d.event_type, d.listener, d.attempts, d.last_error, d.dead_at, d.replays
       FROM baofoo_event_deliveries d WHERE ${WHERE} ORDER BY d.dead_at, d.id LIMIT $6`,
    params(filter),
  );
  return rows.map(toDeadLetter);
}

/**
 * Gives the matching dead-lettered deliveries a fresh set of attempts and
 * puts their events back in the queue, in one statement; only those
 * listeners run again (the ones that had it are not called twice). An event
 * still open keeps its lease or retry time, so a relay calling its other
 * listeners right now is not doubled, but loses its claim, so that relay
 * cannot finish it as done on a plan made before the replay. Wakes the relays. Returns what was replayed, as it was before the replay.
 */
export async function replayDeadLetters(db: Queryable, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const rows = await db.query<Row>(
    `WITH picked AS (
       SELECT d.id FROM baofoo_event_deliveries d WHERE ${WHERE} ORDER BY d.dead_at, d.id LIMIT $6 FOR UPDATE
     ), revived AS (
       UPDATE baofoo_event_deliveries d
          SET status = 'failed', attempts = 0, next_attempt_at = now(), dead_at = NULL, replays = d.replays + 1
         FROM picked p, baofoo_event_deliveries old
        WHERE d.id = p.id AND old.id = p.id
       RETURNING d.event_id, d.event_type, d.listener, old.attempts, old.last_error, old.dead_at, old.replays
     ), reopened AS (
       UPDATE baofoo_outbox o SET delivered_at = NULL,
              -- An event still open may be leased by a relay calling its other listeners right now: its lease
              -- stands, or they would be called twice (the replayed listener runs at the event's next claim).
              next_attempt_at = CASE WHEN o.delivered_at IS NULL THEN GREATEST(o.next_attempt_at, now()) ELSE now() END,
              -- That relay's claim ends here: its plan predates the replay and would finish the event as done,
              -- so the replayed listener never ran. A claim no longer current finishes nothing (outbox-store);
              -- the outcomes it records stay, and the next claim runs only what is still due.
              attempts = CASE WHEN o.delivered_at IS NULL THEN o.attempts + 1 ELSE o.attempts END
        WHERE o.event_id IN (SELECT event_id FROM revived)
     )
     SELECT * FROM revived ORDER BY dead_at`,
    params(filter),
  );
  if (rows.length > 0) await db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  return rows.map(toDeadLetter);
}
