import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TopologyObservation } from './database-topology.ts';

/** Rounds of the pinning test; one suffices behind PgBouncer's default LIFO reuse of server connections. */
const ROUNDS = 4;

/** How long A may wait for another server connection before the probe takes it that there is none. */
const NO_OTHER_SERVER_MS = 1000;

const PID = 'SELECT pg_backend_pid() AS pid';
const HOLD = `BEGIN; ${PID}`;

const pidOf = (result: pg.QueryResult | pg.QueryResult[]): number => Number((Array.isArray(result) ? result[result.length - 1] : result).rows[0].pid);

/** PgBouncer's answer to a transaction block in `pool_mode = statement`. */
const isStatementPoolingRefusal = (e: unknown) => e instanceof Error && /transaction blocks not allowed|statement pool/i.test(e.message);

/** `26000 invalid_sql_statement_name`: the server connection never prepared the statement. */
const isMissingStatement = (e: unknown) => e instanceof pg.DatabaseError && e.code === '26000';

/**
 * Observes, on two connections of its own, where the module's connections land.
 *
 * - A pooler answers the startup with a backend key of its own: the pid in it
 *   differs from `pg_backend_pid()` (PostgreSQL's own is the backend's pid).
 * - Pinning: connection A reads its backend, then B opens a transaction and
 *   reads its own, then A reads again while B's transaction holds B's server
 *   connection. Directly or in session mode each connection owns one backend
 *   for life, so A always sees the same pid and B never sees A's: neither
 *   "moved" nor "shared" can be seen there. In transaction mode A's server
 *   connection went back to the pool after its statement and the next
 *   transaction (B's) takes it (PgBouncer reuses the last released one), so B
 *   shares A's backend at once; if B got another one, A's next statement may
 *   move. Any sighting is proof; several rounds without one make transaction
 *   pooling implausible.
 * - Prepared statements (only where pooled by transaction, and asked for): A
 *   prepares a named statement, B holds that backend, A runs the statement
 *   again elsewhere. PgBouncer < 1.21 (or `max_prepared_statements = 0`)
 *   answers "prepared statement does not exist"; ≥ 1.21 prepares it there.
 */
export async function observeTopology(config: pg.ClientConfig, o: { preparedStatements: boolean }): Promise<TopologyObservation> {
  const a = new pg.Client(config);
  const b = new pg.Client(config);
  // The probe's own connections: an error between queries must not crash the process.
  a.on('error', () => undefined);
  b.on('error', () => undefined);
  try {
    await Promise.all([a.connect(), b.connect()]);
    let pidA = pidOf(await a.query(PID));
    const announced = (a as unknown as { processID: number | null }).processID;
    const base = { backendKeyMatches: announced === pidA, statementPooling: false, preparedStatementsFollow: null };
    const key = base.backendKeyMatches ? 'the server reports the backend the startup announced' : 'the startup announced another backend than the server reports (a pooler)';
    for (let round = 1; round <= ROUNDS; round += 1) {
      let pidB: number;
      try {
        pidB = pidOf(await b.query(HOLD));
      } catch (e) {
        if (isStatementPoolingRefusal(e)) return { ...base, multiplexed: true, statementPooling: true, evidence: `${key}; a transaction block was refused` };
        throw e;
      }
      const shared = pidB === pidA;
      const next = shared ? pidA : pidOf(await a.query(PID));
      await b.query('ROLLBACK');
      if (shared || next !== pidA) {
        const seen = shared ? 'two connections shared one backend' : 'one connection\'s statements ran on two backends';
        const prepared = o.preparedStatements ? await preparedStatementsFollow(a, b) : null;
        const travel = prepared === null ? '' : prepared ? '; a prepared statement ran on another backend' : '; a prepared statement was missing on another backend';
        return { ...base, multiplexed: true, preparedStatementsFollow: prepared, evidence: `${key}; ${seen} (round ${round})${travel}` };
      }
      pidA = next;
    }
    return { ...base, multiplexed: false, evidence: `${key}; each connection kept its backend over ${ROUNDS} rounds` };
  } finally {
    await Promise.all([a.end().catch(() => undefined), b.end().catch(() => undefined)]);
  }
}

/** Whether a statement A prepared runs where it was not prepared; null when A never got another backend. */
async function preparedStatementsFollow(a: pg.Client, b: pg.Client): Promise<boolean | null> {
  // A name of its own: another instance's probe on the same server connection cannot clash with it.
  const statement = { name: `baofoo_probe_${randomBytes(6).toString('hex')}`, text: PID };
  const preparedOn = pidOf(await a.query(statement));
  for (let round = 0; round < ROUNDS; round += 1) {
    await b.query(HOLD);
    const ran = a.query(statement).then(
      (result) => pidOf(result),
      (e: unknown) => {
        if (isMissingStatement(e)) return 'missing' as const;
        throw e;
      },
    );
    // A pool of one server connection makes A wait for the one B holds: then B lets go, A runs where it prepared, and nothing is learnt.
    let timer: NodeJS.Timeout | undefined;
    const waiting = new Promise<'waiting'>((resolve) => (timer = setTimeout(() => resolve('waiting'), NO_OTHER_SERVER_MS)));
    const first = await Promise.race([ran, waiting]).finally(() => clearTimeout(timer));
    await b.query('ROLLBACK');
    if (first === 'waiting') {
      await ran;
      return null;
    }
    if (first === 'missing') return false;
    if (first !== preparedOn) return true;
  }
  return null;
}
