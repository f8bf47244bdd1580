import type { BaofooTransaction } from '../database/baofoo-database.ts';
import { named } from '../database/named-statements.ts';
import { claimedPayload } from '../events/outbox-store.ts';

/**
 * The bridge's SQL: its own position and lease in `baofoo_outbox`
 * (`bridged_at`, `bridge_next_at`, `bridge_claims`), never the relay's
 * columns, so listeners and the broker never wait on each other.
 */

type Sql = Pick<BaofooTransaction, 'query'>;

/** One claim of one event by a bridge: the row's `bridge_claims` as the claim left it, named by every later write. */
export interface BridgeClaim {
  id: string;
  claims: number;
}

export interface BridgeEvent extends BridgeClaim {
  eventId: string;
  type: string;
  /** The event as listeners get it (identity columns filled in). */
  payload: Record<string, unknown>;
  /** Commit → claim on the database clock, ms. */
  ageMs: number;
}

/**
 * Claims up to `limit` events with a lease, oldest first, in one autocommit
 * statement. Only the oldest event of an order not yet bridged is eligible:
 * the next one waits until the broker confirmed it, so each order's events
 * reach the broker in the order they were written, and other orders go in
 * parallel. An event whose claim another bridge holds keeps its order's later
 * events waiting too (it is not bridged). SKIP LOCKED lets several instances
 * claim at once; the lease brings back the claims of a bridge that died.
 * The candidates are a materialized CTE, locked and read once: as the
 * `IN (sub-select)` of the UPDATE the planner may run them again for every
 * row it joins, a pass over the backlog per row that a backlog of hundreds
 * (a broker outage) turned into statement timeouts. The per-order check
 * reads `baofoo_outbox_order_id` (an order has a few events): a partial
 * index of its own would take an entry for every row version of every event.
 */
export async function claimBridgeEvents(db: Sql, limit: number, leaseMs: number): Promise<BridgeEvent[]> {
  const rows = await db.query<{ id: string; event_id: string; type: string; order_id: string | null; trans_id: string | null; payload: Record<string, unknown>; bridge_claims: number; age_ms: number }>(
    named(
      'baofoo_bridge_claim',
      `WITH candidates AS MATERIALIZED (
       SELECT e.id FROM baofoo_outbox e
        WHERE e.bridged_at IS NULL AND e.bridge_next_at <= now()
          AND NOT EXISTS (SELECT 1 FROM baofoo_outbox p
                           WHERE p.bridged_at IS NULL AND p.order_id = e.order_id AND p.id < e.id)
        ORDER BY e.id
        LIMIT $1
          FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE baofoo_outbox o
          SET bridge_next_at = clock_timestamp() + $2::int * interval '1 millisecond', bridge_claims = o.bridge_claims + 1
         FROM candidates c
        WHERE o.id = c.id
       RETURNING o.id, o.event_id, o.type, o.order_id, o.trans_id, o.payload, o.bridge_claims,
                 (extract(epoch FROM clock_timestamp() - o.created_at) * 1000)::float8 AS age_ms)
     SELECT * FROM claimed ORDER BY id`,
    ),
    [limit, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    type: r.type,
    payload: claimedPayload(r),
    claims: r.bridge_claims,
    ageMs: Math.max(0, r.age_ms),
  }));
}

/*
 * The bridge never waits for a row lock: its writes lock with SKIP LOCKED,
 * so a relay statement holding an event (a claim, a finish) is passed over
 * and tried again, and no cycle of lock waits (a deadlock, which PostgreSQL
 * would break by cancelling the relay's statement) can include the bridge.
 */

/**
 * The rows of the claims ($1 ids, $2 claim tokens) still current, locked; a row a relay statement holds is
 * skipped, never waited for, so the bridge takes no part in a deadlock with the relay's finishes.
 */
const LOCK_CURRENT_CLAIMS = `SELECT o.id FROM baofoo_outbox o JOIN unnest($1::bigint[], $2::int[]) AS u(id, claims) ON o.id = u.id
   WHERE o.bridge_claims = u.claims AND o.bridged_at IS NULL
     FOR UPDATE OF o SKIP LOCKED`;

/**
 * Records the broker's confirmation of these claims. Returns the claims it
 * could not lock (a relay statement held them): still current, to record
 * again in a moment. A claim no longer current (its lease ran out and another
 * bridge took it) is neither recorded nor returned.
 */
export async function markBridged(db: Sql, claims: readonly BridgeClaim[]): Promise<BridgeClaim[]> {
  if (claims.length === 0) return [];
  const rows = await db.query<{ id: string; marked: boolean }>(
    named(
      'baofoo_bridge_mark',
      `WITH current AS (
         SELECT o.id FROM baofoo_outbox o JOIN unnest($1::bigint[], $2::int[]) AS u(id, claims) ON o.id = u.id
          WHERE o.bridge_claims = u.claims AND o.bridged_at IS NULL),
       locked AS (${LOCK_CURRENT_CLAIMS}),
       marked AS (UPDATE baofoo_outbox o SET bridged_at = clock_timestamp() FROM locked WHERE o.id = locked.id RETURNING o.id)
     SELECT c.id, EXISTS (SELECT 1 FROM marked m WHERE m.id = c.id) AS marked FROM current c`,
    ),
    claimParams(claims),
  );
  const skipped = new Set(rows.filter((r) => !r.marked).map((r) => r.id));
  return claims.filter((c) => skipped.has(c.id));
}

/** Hands claims back, due again at once (a bridge that stops); a claim no longer current, or locked by a relay statement, is left to its lease. */
export async function releaseBridgeClaims(db: Sql, claims: readonly BridgeClaim[]): Promise<void> {
  if (claims.length === 0) return;
  await db.query(
    `WITH locked AS (${LOCK_CURRENT_CLAIMS})
     UPDATE baofoo_outbox o SET bridge_next_at = clock_timestamp() FROM locked WHERE o.id = locked.id`,
    claimParams(claims),
  );
}

/** Says a bridge publishes to `exchange` from now on: housekeeping keeps every event not yet bridged while a row is there. */
export async function registerBridge(db: Sql, exchange: string): Promise<void> {
  await db.query(`INSERT INTO baofoo_bridges (exchange) VALUES ($1) ON CONFLICT DO NOTHING`, [exchange]);
}

function claimParams(claims: readonly BridgeClaim[]): unknown[] {
  return [claims.map((c) => c.id), claims.map((c) => c.claims)];
}
