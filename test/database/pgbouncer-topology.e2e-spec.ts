import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import pg from 'pg';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { ConnectionPlanner } from '../../src/baofoo/database/connection-planner.ts';
import { AUTO_TOPOLOGY, TOPOLOGY_ERRORS } from '../../src/baofoo/database/database-topology.ts';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { doctorFindings } from '../../src/cli/commands/doctor.command.ts';
import { startPgbouncerFor, type Pgbouncer, type PoolMode } from '../../src/infra/pgbouncer.ts';
import { createTestApp, testOptions } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { ledgerRows, orderState, outboxRows, pendingOrder } from '../notifications/notification-support.ts';

/**
 * The module behind a real PgBouncer (Debian's 1.18, no prepared-statement
 * support) configured the usual way: only extra_float_digits ignored.
 */
describe('the module behind PgBouncer', () => {
  let db: TestDatabase;
  const bouncers: Pgbouncer[] = [];

  async function bouncer(poolMode: PoolMode, poolSize = 4): Promise<Pgbouncer> {
    const started = await startPgbouncerFor(process.env.DATABASE_URL!, poolMode, poolSize);
    bouncers.push(started);
    return started;
  }

  const planOf = (url: string) => new ConnectionPlanner(() => ({ connectionString: url }), AUTO_TOPOLOGY).plan();
  const doctorTopology = async (url: string) => (await doctorFindings({ DATABASE_URL: url })).find((f) => f.check === 'database topology');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const b of bouncers) await b.stop();
    await db?.drop();
  });

  it('probes PostgreSQL itself as direct: named statements, the timeout as a startup parameter, LISTEN', async () => {
    expect(await planOf(db.url)).toMatchObject({ topology: 'direct', detected: true, namedStatements: true, timeouts: 'startup-parameter', listen: 'connection' });
  });

  it('probes a session pool as session: named statements, the timeout SET once per connection, LISTEN', async () => {
    const session = await bouncer('session');
    expect(await planOf(session.url(db.name))).toMatchObject({ topology: 'session', namedStatements: true, timeouts: 'session-set', listen: 'connection' });
  });

  it('probes a transaction pool of PgBouncer 1.18 as transaction with unnamed statements and no LISTEN', async () => {
    const transaction = await bouncer('transaction');
    const plan = await planOf(transaction.url(db.name));
    expect(plan).toMatchObject({ topology: 'transaction', namedStatements: false, timeouts: 'transaction-local', listen: 'none' });
    expect(plan.evidence).toMatch(/prepared statement was missing on another backend/);
    expect(await doctorTopology(transaction.url(db.name))).toMatchObject({ ok: true, detail: expect.stringMatching(/^detected topology transaction: .*unnamed statements; .*SET LOCAL.*the outbox relay polls/) });
  });

  it('refuses to boot behind a statement pool, naming the fix', async () => {
    const statement = await bouncer('statement');
    await expect(planOf(statement.url(db.name))).rejects.toMatchObject({ code: TOPOLOGY_ERRORS.statementPooling });
    await expect(createTestApp(statement.url(db.name))).rejects.toThrow(/statement mode.*DATABASE_URL/);
    expect(await doctorTopology(statement.url(db.name))).toMatchObject({ ok: false, detail: expect.stringMatching(/statement mode/) });
  });

  it('answers a burst of 20 concurrent notifications through a transaction pool OK, each order PAID once', async () => {
    const transaction = await bouncer('transaction');
    const t = await createTestApp(transaction.url(db.name), testOptions());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
    try {
      const orders = await Promise.all(Array.from({ length: 10 }, (_, i) => pendingOrder(t, 100 + i)));
      const notifications = orders.flatMap(({ transId }, i) => {
        const n = signedNotification({ transId, result: 'success', factMoney: 100 + i, succTime: '20261125120000' });
        return [n, n];
      });

      const answers = await Promise.all(notifications.map((n) => deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n, { agent })));

      expect(answers.map((a) => [a.status, a.body])).toEqual(Array(20).fill([200, 'OK']));
      for (const [i, { transId }] of orders.entries()) {
        expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 100 + i });
        expect((await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).map((l) => l.verdict).sort()).toEqual(['applied', 'duplicate'].sort());
        expect((await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
      }
    } finally {
      agent.destroy();
      await t.close();
    }
  });

  it('holds statement_timeout in a transaction pool (the server cancels a longer statement) without leaving it to the next client', async () => {
    // One server connection: the module and the other client necessarily take turns on the same backend.
    const single = await bouncer('transaction', 1);
    const url = single.url(db.name);
    const module = new BaofooDatabase(() => ({ connectionString: url }), { poolSize: 2, statementTimeoutMs: 300, connectTimeoutMs: 5000, answerWithinMs: 20_000 });
    const other = new pg.Client(url);
    await other.connect();
    try {
      await expect(module.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: '57014' });
      await expect(module.transaction((tx) => tx.query('SELECT pg_sleep(3)'))).rejects.toMatchObject({ code: '57014' });
      const [own] = await module.query<{ timeout: string; pid: number }>(`SELECT current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid`);
      expect(own.timeout).toBe('300ms');

      const seen = await other.query<{ timeout: string; pid: number }>(`SELECT current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid`);

      expect(seen.rows[0]).toEqual({ timeout: '0', pid: own.pid });
      expect(await module.connectionPlan()).toMatchObject({ topology: 'transaction', namedStatements: false });
    } finally {
      await other.end();
      await module.end();
    }
  });
});
