import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { query } from './outbox-test-app.ts';

const ORDERS = 300;
const SENDERS = 16;
const MONEY = 100;
/** Long enough that only a real hang reaches it: the dying instance's events must come back far sooner. */
const LEASE_MS = 30_000;
/** Longer than the shutdown grace, so the deliveries in flight at the SIGTERM are handed back. */
const LISTENER_MS = 1500;
const SHUTDOWN_GRACE_MS = 300;
/** The SIGTERM goes out when this many orders were answered OK. */
const TERM_AT_OK = 90;

interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', new URL('./child/swc-register.mjs', import.meta.url).href, fileURLToPath(new URL('./child/app-child.ts', import.meta.url))], {
    env: { ...process.env, DATABASE_URL: databaseUrl, APP_NAME: name, LEASE_MS: String(LEASE_MS), LISTENER_MS: String(LISTENER_MS), SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ name, child, url: m.url, exited }));
    child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code}) before it listened: ${stderr.join('')}`)));
  });
}

/**
 * A rolling deploy: two app processes on one database share a storm of
 * success notifications (a gateway that retries until it reads OK, sent to
 * either instance like a load balancer would), and one is SIGTERMed mid-storm
 * while its relay has deliveries in flight that outlast the shutdown grace.
 */
describe('an instance SIGTERMed mid-storm beside a second one', () => {
  let db: TestDatabase;
  const instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE storm_effects (event_id uuid PRIMARY KEY, app text NOT NULL, n int NOT NULL, at timestamptz NOT NULL)');
    await query(
      db.url,
      `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url, next_query_at)
       SELECT '100000178', '10000001', 'S' || lpad(n::text, 19, '0'), '3002', '20261125120000', $1, 'PENDING', 1, 'http://127.0.0.1/r', 'http://127.0.0.1/n', now() + interval '1 day'
         FROM generate_series(1, $2) AS n`,
      [MONEY, ORDERS],
    );
    instances.push(...(await Promise.all([startInstance('dying', db.url), startInstance('survivor', db.url)])));
  }, 60_000);

  afterAll(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await db.drop();
  });

  it('answers what it took, hands its deliveries to the survivor at once, and loses or doubles nothing', async () => {
    const [dying, survivor] = instances;
    let dyingGone = false;
    const ok = new Set<string>();
    const failures: string[] = [];
    let terminatedAt = 0;
    const queue = Array.from({ length: ORDERS }, (_, i) => `S${String(i + 1).padStart(19, '0')}`);
    let turn = 0;

    const send = async (transId: string) => {
      const body = formBody(successFields(transId, MONEY));
      for (;;) {
        const target = dyingGone ? survivor : instances[turn++ % 2];
        try {
          const res = await fetch(`${target.url}/baofoo/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
          const text = await res.text();
          if (res.status === 200 && text.trim() === 'OK') {
            ok.add(transId);
            if (ok.size === TERM_AT_OK && !terminatedAt) {
              terminatedAt = Date.now();
              dying.child.kill('SIGTERM');
            }
            return;
          }
          failures.push(`${target.name}: HTTP ${res.status} ${text.slice(0, 60)}`);
        } catch (e) {
          // A connection refused or closed before any answer: the gateway retries, as it does.
          failures.push(`${target.name}: ${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const dyingExit = dying.exited.then((how) => {
      dyingGone = true;
      return { how, at: Date.now() };
    });
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let transId = queue.shift(); transId; transId = queue.shift()) await send(transId);
      }),
    );
    const exit = await dyingExit;

    // Every payment's event delivered: the survivor's relay drains the queue, the dying one's hand-backs included.
    let undelivered = ORDERS;
    const drainedBy = Date.now() + LEASE_MS;
    while (undelivered > 0 && Date.now() < drainedBy) {
      undelivered = (await query<{ n: number }>(db.url, `SELECT (${ORDERS} - count(*) FILTER (WHERE delivered_at IS NOT NULL))::int AS n FROM baofoo_outbox WHERE type = 'baofoo.payment.succeeded'`))[0].n;
      if (undelivered > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const orders = await query<{ trans_id: string; status: string; applied: number }>(db.url,
      `SELECT o.trans_id, o.status, (SELECT count(*)::int FROM baofoo_notification_ledger l WHERE l.trans_id = o.trans_id AND l.verdict = 'applied') AS applied FROM baofoo_payment_orders o`,
    );
    const events = await query<{ event_id: string; claims: number; delivered_ms: number | null; n: number | null; app: string | null; effect_ms: number | null }>(db.url,
      `SELECT o.event_id, o.attempts AS claims, (extract(epoch FROM o.delivered_at) * 1000)::float8 AS delivered_ms, e.n, e.app, (extract(epoch FROM e.at) * 1000)::float8 AS effect_ms
         FROM baofoo_outbox o LEFT JOIN storm_effects e ON e.event_id = o.event_id WHERE o.type = 'baofoo.payment.succeeded'`,
    );
    const handedBack = events.filter((e) => e.claims > 1);
    // From the SIGTERM: the hand-back comes after the shutdown grace, the survivor's call takes LISTENER_MS.
    const pickedUpMs = Math.max(...handedBack.map((e) => (e.effect_ms ?? Infinity) - terminatedAt));
    process.stdout.write(
      `rolling deploy: ${ok.size} OK of ${ORDERS}, ${failures.length} failed attempts retried (${[...new Set(failures)].slice(0, 4).join('; ')}), ` +
        `dying instance exited ${exit.at - terminatedAt} ms after SIGTERM (${String(exit.how)}), ${handedBack.length} events handed back, ` +
        `the last of them delivered (listener effect written) by the survivor ${Math.round(pickedUpMs)} ms after the SIGTERM (lease ${LEASE_MS} ms, listener ${LISTENER_MS} ms, grace ${SHUTDOWN_GRACE_MS} ms)\n`,
    );

    // The dying instance shut down (Nest re-raises the signal after its hooks ran), it did not hang or crash.
    expect(exit.how).toBe('SIGTERM');
    expect(ok.size).toBe(ORDERS);
    // It never answered anything but OK: a notification it took was answered, not cut (only refused connections after it closed).
    expect(failures.filter((f) => f.includes('HTTP'))).toEqual([]);
    // Every order answered OK is PAID, settled once.
    expect(orders.filter((o) => o.status !== 'PAID' || o.applied !== 1)).toEqual([]);
    // Every event delivered, its effect in place.
    expect(events).toHaveLength(ORDERS);
    expect(events.filter((e) => e.delivered_ms === null || e.n === null)).toEqual([]);
    // The SIGTERM caught deliveries in flight; the survivor took them at once, not when the lease ran out.
    expect(handedBack.length).toBeGreaterThan(0);
    expect(handedBack.every((e) => e.app === 'survivor')).toBe(true);
    expect(pickedUpMs).toBeLessThan(LEASE_MS / 3);
    // Each effect once, except the at-least-once window: a call abandoned at the shutdown may have finished its effect too.
    expect(events.filter((e) => e.claims === 1 && e.n !== 1)).toEqual([]);
    expect(events.filter((e) => (e.n ?? 0) > e.claims)).toEqual([]);
    const records = await query<{ status: string; n: number }>(db.url, `SELECT status, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} WHERE listener = 'storm.fulfilment' GROUP BY status`);
    expect(records).toEqual([{ status: 'delivered', n: ORDERS }]);
    await survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe('SIGTERM');
  }, 120_000);
});
