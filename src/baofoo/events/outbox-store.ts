import type { BaofooTransaction } from '../database/baofoo-database.ts';
import { named } from '../database/named-statements.ts';
import { DELIVERY_OUTCOMES } from './delivery-outcomes.ts';
import type { DeliveryState, DeliveryWrite } from './delivery-plan.ts';
import { outboxInsertStatement, type OutboxRow } from './outbox-row.ts';

/**
 * The relay's SQL. Each function is one short statement, run on its own
 * (autocommit) or in a short transaction of the module's database: no
 * transaction is ever open while a listener runs.
 */

type Sql = BaofooTransaction;

/** How many events are undelivered, on the partial due index (its predicate is theirs): the backlog every reader counts. */
export const UNDELIVERED_COUNT_SQL = `SELECT count(*)::int FROM baofoo_outbox WHERE delivered_at IS NULL`;

/**
 * Age of the oldest undelivered event in whole ms, on the same index; null when none: the age every
 * reader reports, each in its own unit. On clock_timestamp(), the moment of reading, as the claim
 * measures an event's age: now() is the start of the reader's transaction, so a reading taken inside
 * a longer one (a caller's, a pooled session's) would lag, and under READ COMMITTED it sees events
 * committed after that start, younger than now(). Never below 0, should the server's clock step back.
 */
export const OLDEST_UNDELIVERED_AGE_MS_SQL = `SELECT greatest(round(extract(epoch FROM clock_timestamp() - min(created_at)) * 1000), 0)::float8
  FROM baofoo_outbox WHERE delivered_at IS NULL HAVING count(*) > 0`;

/**
 * One claim of one event: the row's claim counter (`attempts`) as the claim
 * left it. Every write a relay makes to the row after its claim names it, and
 * changes nothing once a later claim (another relay's, after the lease ran
 * out) has taken the event.
 */
export interface EventClaim {
  id: string;
  /** Claims of this event, this one included: 1 on its first delivery. */
  claims: number;
}

export interface ClaimedEvent extends EventClaim {
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Commit → claim on the database clock, in ms (measured from the writer's transaction start). */
  ageMs: number;
}

/** An outbox row's identity columns and payload, as a claim returns them. */
export interface ClaimedRow {
  event_id: string;
  type: string;
  order_id: string | null;
  trans_id: string | null;
  payload: Record<string, unknown>;
}

/**
 * The event a claimed row carries. The columns are the truth for identity: a
 * writer that left them out of the payload still delivers a complete event.
 */
export function claimedPayload(r: ClaimedRow): Record<string, unknown> {
  return { ...r.payload, eventId: r.event_id, type: r.type, orderId: r.order_id, transId: r.payload.transId ?? r.trans_id };
}

/**
 * Claims up to `limit` due events with a lease, in one autocommit statement:
 * their `next_attempt_at` moves `leaseMs` ahead, so no relay claims them
 * again while this one delivers (its heartbeat renews the lease), and they
 * come back by themselves soon after it dies. SKIP LOCKED lets several relays
 * claim at once without waiting on each other. `skip`: events this relay is
 * still delivering, whose lease ran out while it could not renew it; they are
 * not claimed a second time by their own relay.
 */
export async function claimDueEvents(db: Sql, limit: number, leaseMs: number, skip: readonly string[] = []): Promise<ClaimedEvent[]> {
  const rows = await db.query<{ id: string; event_id: string; type: string; order_id: string | null; trans_id: string | null; payload: Record<string, unknown>; attempts: number; age_ms: number }>(
    named(
      'baofoo_outbox_claim',
      `WITH claimed AS (
       UPDATE baofoo_outbox o
          SET next_attempt_at = clock_timestamp() + $2::int * interval '1 millisecond', attempts = o.attempts + 1
        WHERE o.id IN (SELECT id FROM baofoo_outbox
                        WHERE delivered_at IS NULL AND next_attempt_at <= now() AND id <> ALL($3::bigint[])
                        ORDER BY next_attempt_at, id
                        LIMIT $1
                          FOR UPDATE SKIP LOCKED)
       RETURNING o.id, o.event_id, o.type, o.order_id, o.trans_id, o.payload, o.attempts,
                 (extract(epoch FROM clock_timestamp() - o.created_at) * 1000)::float8 AS age_ms)
     SELECT * FROM claimed ORDER BY id`,
    ),
    [limit, leaseMs, skip],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    type: r.type,
    payload: claimedPayload(r),
    claims: r.attempts,
    ageMs: Math.max(0, r.age_ms),
  }));
}

/** The listeners' outcomes on record of these events (rows and first tries), by event id then listener. */
export async function loadDeliveryStates(db: Sql, eventIds: readonly string[]): Promise<Map<string, Map<string, DeliveryState>>> {
  const rows = await db.query<{ event_id: string; listener: string; status: DeliveryState['status']; attempts: number; due: boolean }>(
    `SELECT event_id, listener, status, attempts, coalesce(next_attempt_at <= now(), false) AS due
       FROM ${DELIVERY_OUTCOMES} WHERE event_id = ANY($1::uuid[])`,
    [eventIds],
  );
  const byEvent = new Map<string, Map<string, DeliveryState>>();
  for (const r of rows) {
    const states = byEvent.get(r.event_id) ?? new Map<string, DeliveryState>();
    states.set(r.listener, { listener: r.listener, status: r.status, attempts: r.attempts, due: r.due });
    byEvent.set(r.event_id, states);
  }
  return byEvent;
}

export interface EventDeliveryWrite extends DeliveryWrite {
  eventId: string;
  eventType: string;
}

/**
 * Parameters $1–$7: one array per column of the outcomes (deliveryParams). Each outcome reads the clock
 * once (t.at), so a retry's next_attempt_at is its last_attempt_at plus exactly the backoff it drew.
 * `only`: a WHERE on the outcomes (`u`) to leave some out.
 */
function deliveriesUpsert(only = ''): string {
  return `INSERT INTO baofoo_event_deliveries AS d
            (event_id, event_type, listener, status, attempts, last_error, next_attempt_at, delivered_at, dead_at, first_attempt_at, last_attempt_at)
     SELECT u.event_id, u.event_type, u.listener, u.status, u.attempts, u.last_error,
            CASE WHEN u.status = 'failed' THEN t.at + u.delay_ms * interval '1 millisecond' END,
            CASE WHEN u.status = 'delivered' THEN t.at END,
            CASE WHEN u.status = 'dead' THEN t.at END,
            t.at, t.at
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::text[], $7::int[])
         AS u(event_id, event_type, listener, status, attempts, last_error, delay_ms)
       CROSS JOIN LATERAL (SELECT clock_timestamp() AS at) t ${only}
     ON CONFLICT (event_id, listener) DO UPDATE SET
            status = EXCLUDED.status,
            attempts = EXCLUDED.attempts,
            last_error = coalesce(EXCLUDED.last_error, d.last_error),
            next_attempt_at = EXCLUDED.next_attempt_at,
            delivered_at = EXCLUDED.delivered_at,
            dead_at = EXCLUDED.dead_at,
            last_attempt_at = EXCLUDED.last_attempt_at
      -- A delivered outcome is final: a relay that lost its lease must not turn it back into a failure.
      WHERE d.status <> 'delivered'`;
}

const DELIVERIES_UPSERT = deliveriesUpsert();

// A first try of a claim no longer current, as a record, unless the claim that took the event named the listener as its own first try.
const STALE_FIRST_TRIES_UPSERT = deliveriesUpsert(
  `WHERE NOT EXISTS (SELECT 1 FROM baofoo_outbox o WHERE o.event_id = u.event_id AND u.listener = ANY(o.first_try_listeners))`,
);

function deliveryParams(writes: readonly EventDeliveryWrite[]): unknown[] {
  return [
    writes.map((w) => w.eventId),
    writes.map((w) => w.eventType),
    writes.map((w) => w.listener),
    writes.map((w) => w.status),
    writes.map((w) => w.attempts),
    writes.map((w) => w.lastError),
    writes.map((w) => w.delayMs),
  ];
}

/** Records each listener's outcome; a failure keeps the error of an earlier attempt only until it has one of its own. */
export async function saveDeliveries(db: Sql, writes: readonly EventDeliveryWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query(named('baofoo_outbox_deliveries', DELIVERIES_UPSERT), deliveryParams(writes));
}

/** The end of a claim: `done` takes the event out of the queue, else it sleeps until its earliest retry. */
export interface FinishedEvent extends EventClaim {
  done: boolean;
  /** Outcomes not yet on record, written as delivery records by the statement that finishes the event. */
  deliveries: readonly EventDeliveryWrite[];
  /**
   * A listener delivered at its first call with no record before: a finished
   * event names it in `first_try_listeners` instead of writing a record.
   */
  firstTry: EventDeliveryWrite | null;
}

/**
 * The finish's UPDATE, its parameters from `$from` on (one entry per event). A
 * claim no longer current changes nothing; RETURNING names those that were.
 */
function finishUpdate(from: number): string {
  return `UPDATE baofoo_outbox o
        SET delivered_at = CASE WHEN u.done THEN clock_timestamp() END,
            next_attempt_at = CASE WHEN u.done THEN o.next_attempt_at ELSE coalesce(
              (SELECT min(d.next_attempt_at) FROM baofoo_event_deliveries d WHERE d.event_id = o.event_id AND d.status = 'failed'),
              clock_timestamp() + interval '1 second') END,
            first_try_listeners = CASE WHEN u.first_try IS NULL THEN o.first_try_listeners
              ELSE array_append(o.first_try_listeners, u.first_try) END
       FROM unnest($${from}::bigint[], $${from + 1}::int[], $${from + 2}::bool[], $${from + 3}::varchar[]) AS u(id, claims, done, first_try)
      WHERE o.id = u.id AND o.attempts = u.claims
  RETURNING o.id`;
}

/**
 * Ends a claim of each event in one statement: a finished event leaves the
 * queue; an unfinished one sleeps until its earliest listener retry is due,
 * read from its records, so an unfinished event's outcomes must already be
 * written. Outcomes not yet on record go with it: first-try ones into the
 * outbox row's `first_try_listeners` (no record: what most events end with
 * costs no row), the others into records, in the same statement (a second
 * named text, so no text depends on the data).
 * An event claimed again since (this relay lost its lease, or ops replayed
 * a dead letter) is left to that claim; its outcomes are recorded all the
 * same, they are facts: a first-try one as a record, after the finish.
 */
export async function finishEvents(db: Sql, events: readonly FinishedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const deliveries = events.flatMap((e) => e.deliveries);
  const finish = [...claimParams(events), events.map((e) => e.done), events.map((e) => e.firstTry?.listener ?? null)];
  const finished =
    deliveries.length === 0
      ? await db.query<{ id: string }>(named('baofoo_outbox_finish', finishUpdate(1)), finish)
      : await db.query<{ id: string }>(named('baofoo_outbox_finish_recorded', `WITH recorded AS (${DELIVERIES_UPSERT}) ${finishUpdate(8)}`), [
          ...deliveryParams(deliveries),
          ...finish,
        ]);
  const current = new Set(finished.map((r) => String(r.id)));
  const stale = events.flatMap((e) => (e.firstTry && !current.has(e.id) ? [e.firstTry] : []));
  // Plain text, not a named statement: it runs only after a lost claim.
  if (stale.length > 0) await db.query(STALE_FIRST_TRIES_UPSERT, deliveryParams(stale));
}

/**
 * Moves the lease of each claim still current to `leaseMs` from now, in one
 * statement for all of them; returns the ids whose claim is no longer this
 * relay's (claimed again after the lease ran out, or finished meanwhile).
 */
export async function renewLeases(db: Sql, claims: readonly EventClaim[], leaseMs: number): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  // Plain text, not a named statement: it runs a few times per lease, so its planning costs nothing that matters.
  const rows = await db.query<{ id: string }>(
    `WITH renewed AS (
       UPDATE baofoo_outbox o SET next_attempt_at = clock_timestamp() + $3::int * interval '1 millisecond'
         FROM unnest($1::bigint[], $2::int[]) AS u(id, claims)
        WHERE o.id = u.id AND o.attempts = u.claims AND o.delivered_at IS NULL
       RETURNING o.id)
     SELECT id FROM renewed`,
    [...claimParams(claims), leaseMs],
  );
  const held = new Set(rows.map((r) => r.id));
  return new Set(claims.filter((c) => !held.has(c.id)).map((c) => c.id));
}

/** Gives claimed events back to the queue at once (a relay that stops before it finished them); a claim no longer current changes nothing. */
export async function releaseEvents(db: Sql, claims: readonly EventClaim[]): Promise<void> {
  if (claims.length === 0) return;
  await db.query(
    `UPDATE baofoo_outbox o SET next_attempt_at = now()
       FROM unnest($1::bigint[], $2::int[]) AS u(id, claims)
      WHERE o.id = u.id AND o.attempts = u.claims AND o.delivered_at IS NULL`,
    claimParams(claims),
  );
}

function claimParams(claims: readonly EventClaim[]): unknown[] {
  return [claims.map((c) => c.id), claims.map((c) => c.claims)];
}

/** Writes events in the caller's transaction (the relay's own dead-letter events, tests). */
export async function insertOutboxRows(db: Sql, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  const { text, params } = outboxInsertStatement(rows);
  await db.query(text, params);
}
