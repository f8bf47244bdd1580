import type { DataSource } from 'typeorm';

/**
 * Turns a listener's outcome of an event into a dead letter, as the relay
 * leaves a listener that gave up: a delivered outcome may be a record or a
 * first try named on the outbox row (no record), so the name goes and the
 * record is written either way.
 */
export async function recordDeadLetter(db: DataSource, eventId: string, listener: string, o: { attempts: number; lastError: string }): Promise<void> {
  await db.query(
    `WITH e AS (UPDATE baofoo_outbox SET first_try_listeners = array_remove(first_try_listeners, $2::varchar) WHERE event_id = $1 RETURNING event_id, type)
     INSERT INTO baofoo_event_deliveries AS d (event_id, event_type, listener, status, attempts, last_error, dead_at)
     SELECT e.event_id, e.type, $2, 'dead', $3, $4, now() FROM e
     ON CONFLICT (event_id, listener) DO UPDATE SET status = 'dead', dead_at = now(), delivered_at = NULL, attempts = $3, last_error = $4`,
    [eventId, listener, o.attempts, o.lastError],
  );
}
