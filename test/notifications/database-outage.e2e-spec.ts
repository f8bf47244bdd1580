import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { DEFAULT_DATABASE_BUDGETS } from '../../src/baofoo/config/resolve-options.ts';
import { ADAPTERS, createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { ledgerRows, orderState, outboxRows, pendingOrder, specSign, tableCounts } from './notification-support.ts';

/**
 * The database goes away while the app runs. Stopping the shared server would
 * take every other suite down with it, so this suite's own database refuses
 * connections and its sessions are ended, which the app sees exactly as a
 * stopped server: its connections die and new ones are refused.
 */
describe.each(ADAPTERS)('a notification while the database is unavailable (%s)', (adapter) => {
  let db: TestDatabase;
  let t: TestApp;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, testOptions({ database: DEFAULT_DATABASE_BUDGETS }), { appOptions: { logger: false }, adapter });
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = '/postgres';
    admin = new pg.Client(url.toString());
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS true`);
    await admin.end();
    await t.close();
    await db.drop();
  });

  async function stopDatabase(): Promise<void> {
    await admin.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    // pg_terminate_backend only signals: wait until the sessions are really gone.
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
      if (rows[0].n === 0) return;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`sessions of ${db.name} did not end`);
  }

  const restartDatabase = () => admin.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS true`);

  it('answers 503 not OK within 3 seconds (a forged copy its usual 400), writes nothing, and settles once on the next delivery', async () => {
    const { transId } = await pendingOrder(t, 1200);
    const before = { order: await orderState(t.dataSource, transId), counts: await tableCounts(t.dataSource) };
    const n = signedNotification({ transId, result: 'success', factMoney: 1200, succTime: '20261125120000' });
    expect(n.fields.Md5Sign).toBe(specSign(n.fields));

    await stopDatabase();
    try {
      // A refusal before the signature needs no database: it is counted in memory.
      for (const [name, notification, status, body] of [
        ['valid', n, 503, 'FAIL UNAVAILABLE'],
        ['forged', { ...n, body: n.body.replace(/Md5Sign=./, (m) => (m.endsWith('0') ? `${m.slice(0, -1)}1` : `${m.slice(0, -1)}0`)) }, 400, 'FAIL UNVERIFIED'],
      ] as const) {
        const started = performance.now();
        const answer = await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', notification);
        const ms = performance.now() - started;
        expect({ name, status: answer.status, body: answer.body }).toEqual({ name, status, body });
        expect(ms).toBeLessThan(3000);
      }
    } finally {
      await restartDatabase();
    }

    expect(await orderState(t.dataSource, transId)).toEqual(before.order);
    // The forged copy's sample reaches the ledger with the next flush, whether an earlier one failed or not.
    await t.app.get(RefusalRecorder).flush();
    expect(await tableCounts(t.dataSource)).toEqual({ ...before.counts, ledger: before.counts.ledger + 1 });

    expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n)).toMatchObject({ status: 200, body: 'OK' });
    expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n)).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 1200 });
    // The forged copy's sample first, then the settlement and its duplicate.
    expect((await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).map((l) => l.verdict)).toEqual(['rejected', 'applied', 'duplicate']);
    expect((await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
  });

  it('cuts off a settlement waiting in flight without writing any part of it', async () => {
    const { transId } = await pendingOrder(t, 1300);
    const before = { order: await orderState(t.dataSource, transId), counts: await tableCounts(t.dataSource) };
    const n = signedNotification({ transId, result: 'success', factMoney: 1300, succTime: '20261125120000' });

    // Another session holds the order's row, so the settlement statement is caught mid-way when the database goes.
    const locker = new pg.Client(db.url);
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM baofoo_payment_orders WHERE trans_id = $1 FOR UPDATE', [transId]);
    const pending = deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n);
    for (let polls = 0; ; polls++) {
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [db.name]);
      if (rows[0].n > 0) break;
      if (polls > 1000) throw new Error('the settlement never waited for the row lock');
    }

    const stopped = performance.now();
    await stopDatabase();
    let answer;
    try {
      answer = await pending;
    } finally {
      await restartDatabase();
      await locker.end().catch(() => undefined);
    }
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: 'FAIL UNAVAILABLE' });
    expect(performance.now() - stopped).toBeLessThan(3000);
    expect(await orderState(t.dataSource, transId)).toEqual(before.order);
    expect(await tableCounts(t.dataSource)).toEqual(before.counts);

    expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n)).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 1300 });
    expect((await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
  });
});

/**
 * A database that stops answering without closing anything (a frozen server,
 * a network partition): a TCP relay between the app and PostgreSQL stops
 * passing bytes, and "restarting" it drops the connections it carried.
 */
describe.each(ADAPTERS)('a notification while the database does not answer (%s)', (adapter) => {
  let db: TestDatabase;
  let t: TestApp;
  let relay: net.Server;
  let frozen = false;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    relay = net.createServer((app) => {
      const server = net.connect(Number(target.port), target.hostname);
      for (const [from, to] of [
        [app, server],
        [server, app],
      ]) {
        sockets.add(from);
        from.on('data', (chunk: Buffer) => frozen || to.write(chunk));
        from.on('error', () => undefined);
        from.on('close', () => {
          sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const viaRelay = new URL(db.url);
    viaRelay.port = String((relay.address() as net.AddressInfo).port);
    t = await createTestApp(viaRelay.toString(), testOptions({ database: DEFAULT_DATABASE_BUDGETS }), { appOptions: { logger: false }, adapter });
  });
  afterAll(async () => {
    await t.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => relay.close(resolve));
    await db.drop();
  });

  /**
   * Connections open through the relay: the module's own pool and the app's
   * DataSource pool (the test reads through the latter), to see them go after
   * the restart.
   */
  const pool = () => t.app.get(BaofooDatabase);
  const openConnections = () => pool().totalCount + (t.dataSource.driver as unknown as { master: pg.Pool }).master.totalCount;

  it('answers 503 not OK within 3 seconds, writes nothing, and settles once after the database comes back', async () => {
    const { transId } = await pendingOrder(t, 1400);
    const direct = new pg.Client(db.url);
    await direct.connect();
    try {
      const counts = async () => (await direct.query('SELECT (SELECT count(*) FROM baofoo_notification_ledger)::int AS ledger, (SELECT count(*) FROM baofoo_outbox)::int AS outbox')).rows[0];
      const before = { order: await orderState(t.dataSource, transId), counts: await counts() };
      const n = signedNotification({ transId, result: 'success', factMoney: 1400, succTime: '20261125120000' });

      frozen = true;
      const started = performance.now();
      const answer = await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n);
      const ms = performance.now() - started;
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: 'FAIL UNAVAILABLE' });
      expect(ms).toBeLessThan(3000);
      const [row] = (await direct.query('SELECT status, version FROM baofoo_payment_orders WHERE trans_id = $1', [transId])).rows;
      expect(row).toEqual({ status: before.order.status, version: before.order.version });
      expect(await counts()).toEqual(before.counts);

      // The restart: the connections the app held die with the old server. Both pools drop them as the
      // close reaches each connection; a read taking an idle one before its close arrived would fail.
      frozen = false;
      for (const s of sockets) s.destroy();
      for (let polls = 0; openConnections() > 0; polls++) {
        if (polls > 1000) throw new Error('a pool kept its dead connections');
        await new Promise((resolve) => setImmediate(resolve));
      }

      expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n)).toMatchObject({ status: 200, body: 'OK' });
      expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 1400 });
      expect((await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).map((l) => l.verdict)).toEqual(['applied']);
      expect((await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
    } finally {
      frozen = false;
      await direct.end();
    }
  });
  it('counts the 3 seconds from the moment the request reached the server: a body that took the whole budget to arrive is answered 503 at once', async () => {
    const { transId } = await pendingOrder(t, 1500);
    const body = Buffer.from(signedNotification({ transId, result: 'success', factMoney: 1500, succTime: '20261125120000' }).body, 'latin1');
    const budgetMs = pool().settings.answerWithinMs;
    const url = new URL('/baofoo/notify', await t.app.getUrl());
    frozen = true;
    try {
      const started = performance.now();
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        // A slow sender: the first bytes now, the rest once the module's whole budget has gone by.
        req.write(body.subarray(0, 16));
        setTimeout(() => req.end(body.subarray(16)), budgetMs);
      });
      const ms = performance.now() - started;
      expect(answer).toEqual({ status: 503, body: 'FAIL UNAVAILABLE' });
      expect(ms).toBeLessThan(3000);
    } finally {
      frozen = false;
    }
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PENDING', version: 1 });
  });
});
