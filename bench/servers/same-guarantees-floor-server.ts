import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { listenBare } from './bare-http.ts';
import { env, runServer } from './server-harness.ts';

/*
 * The floor with the module's guarantees and nothing else: node:http, the
 * MD5 check, then ONE prepared statement that settles the order and writes
 * its ledger row and outbox event (so a settlement is never without its
 * record and its event), and a minimal relay that claims undelivered events,
 * hands them to a listener and marks them delivered in one transaction. What
 * the module costs above this is what the framework and the code cost, not
 * what the guarantees cost.
 */

const SETTLE = {
  name: 'bench_settle',
  text: `WITH changed AS (
    UPDATE baofoo_payment_orders
       SET status = 'PAID', version = version + 1, fact_money = $4::bigint, result_desc = $5::varchar, succ_time = $6::varchar,
           settled_by = 'notification', settled_at = now(), updated_at = now(), next_query_at = NULL
     WHERE member_id = $1 AND trans_id = $2 AND terminal_id = $3 AND status = 'PENDING' AND order_money = $4::bigint
     RETURNING id),
  ledger AS (
    INSERT INTO baofoo_notification_ledger (order_id, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, key_id, from_status, to_status, http_status)
    SELECT id, $1, $3, $2, $7, 'POST', $8::jsonb, $9, 'applied', 'k1', 'PENDING', 'PAID', 200 FROM changed),
  outbox AS (
    INSERT INTO baofoo_outbox (event_id, type, order_id, trans_id, payload)
    SELECT $10::uuid, 'baofoo.payment.succeeded', id, $2, $11::jsonb || jsonb_build_object('orderId', id::text) FROM changed)
  SELECT count(*)::int AS changed FROM changed`,
};

const CLAIM_LIMIT = 500;
const CLAIM = {
  name: 'bench_claim',
  text: `SELECT id::text AS id, created_at AS "createdAt" FROM baofoo_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ${CLAIM_LIMIT} FOR UPDATE SKIP LOCKED`,
};
const MARK = { name: 'bench_mark', text: 'UPDATE baofoo_outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])' };
const POLL_MS = 1000;

function settleValues(f: URLSearchParams, rawBody: string, sourceIp: string): unknown[] {
  const money = Number(f.get('FactMoney'));
  const eventId = randomUUID();
  const event = {
    eventId,
    type: 'baofoo.payment.succeeded',
    occurredAt: new Date().toISOString(),
    memberId: f.get('MemberID'),
    terminalId: f.get('TerminalID'),
    transId: f.get('TransID'),
    factMoney: String(money),
    source: 'notification',
  };
  return [f.get('MemberID'), f.get('TransID'), f.get('TerminalID'), money, f.get('ResultDesc'), f.get('SuccTime'), sourceIp, JSON.stringify(Object.fromEntries(f)), rawBody, eventId, JSON.stringify(event)];
}

/** Claim, deliver (here: note the lag), mark delivered, commit; passes never overlap, and a wake-up during a pass runs one more. */
function minimalRelay(pool: pg.Pool) {
  const lagsMs: number[] = [];
  let delivered = 0;
  let running = false;
  let again = false;
  const pass = async (): Promise<void> => {
    const client = await pool.connect();
    let broken = false;
    try {
      for (;;) {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; createdAt: Date }>(CLAIM);
        const now = Date.now();
        for (const r of rows) lagsMs.push(now - r.createdAt.getTime());
        if (rows.length) await client.query({ ...MARK, values: [rows.map((r) => r.id)] });
        await client.query('COMMIT');
        delivered += rows.length;
        if (rows.length < CLAIM_LIMIT) return;
      }
    } catch (e) {
      broken = true;
      throw e;
    } finally {
      client.release(broken);
    }
  };
  const wake = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void pass()
      .catch((e: Error) => process.stderr.write(`relay pass failed: ${e.message}\n`))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          wake();
        }
      });
  };
  return {
    wake,
    take: () => {
      const out = { delivered, lagsMs: lagsMs.splice(0) };
      delivered = 0;
      return out;
    },
  };
}

await runServer(async () => {
  // Connections kept, as the module keeps its own: the paced runs must not time a reconnect after the pause between phases.
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE')), idleTimeoutMillis: 0 });
  const relay = minimalRelay(pool);
  const poll = setInterval(relay.wake, POLL_MS);
  // Woken in-process after each settling commit, as the module's relay is (no NOTIFY: its lock serialises commits).
  const server = await listenBare(async (f, rawBody, sourceIp) => {
    const r = await pool.query<{ changed: number }>({ ...SETTLE, values: settleValues(f, rawBody, sourceIp) });
    const changed = r.rows[0].changed === 1;
    if (changed) relay.wake();
    return changed;
  });
  return {
    port: server.port,
    close: async () => {
      clearInterval(poll);
      await server.close();
      await pool.end();
    },
    stats: async () => relay.take(),
  };
});
