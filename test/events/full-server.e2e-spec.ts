import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { OUTBOX_CHANNEL } from '../../src/baofoo/events/outbox.constants.ts';
import { outboxInsertStatement, outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/infra/embedded-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { paidEvent, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { LedgerListener, recorderProviders } from './recording-listeners.ts';

const MAX_CONNECTIONS = 20;
/** The smallest the options allow: the relay's connections above its floor close after this long idle. */
const IDLE_TIMEOUT_MS = 1000;
/** Longer than the idle timeout, so between two polls an idle relay has nothing open above its floor. */
const POLL_INTERVAL_MS = 3000;
const EVENTS = 5;
const TOO_MANY_CLIENTS = '53300';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A PostgreSQL whose max_connections other clients filled (a neighbour's
 * pool, a connection leak): the relay, idle until then, still delivers what
 * is committed, on the connection its pool keeps for good (`poolMin: 1`). A
 * relay whose idle connections had closed could not open one again.
 */
describe('the outbox relay on a server out of connections', () => {
  let server: EmbeddedDatabase;
  let writer: pg.Client;
  let app: OutboxApp | undefined;
  const recorder = new DeliveryRecorder();
  const others: pg.Client[] = [];
  let filling = true;
  let topUp: Promise<void> = Promise.resolve();

  /** One more client on the server, or false once it refuses with "too many clients". */
  async function takeSlot(): Promise<boolean> {
    const client = new pg.Client({ connectionString: server.url, application_name: 'other-client' });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      if ((e as { code?: string }).code !== TOO_MANY_CLIENTS) throw e;
      return false;
    }
    others.push(client);
    return true;
  }

  const backends = async (name: string) =>
    (await writer.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [name])).rows[0].n;

  beforeAll(async () => {
    // No slots kept for superusers: every client of the test is one, as the app's role is on many managed servers' default setup.
    server = await startEmbeddedDatabase({ postgresFlags: ['-c', `max_connections=${MAX_CONNECTIONS}`, '-c', 'superuser_reserved_connections=0', '-c', 'reserved_connections=0'] });
    const ds = new DataSource(baofooPostgresOptions({ url: server.url, poolSize: 1 }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    // Opened before the server fills: the connection that commits the events and reads the outcome.
    writer = new pg.Client(server.url);
    await writer.connect();
  }, 120_000);

  afterAll(async () => {
    filling = false;
    await topUp;
    await Promise.all(others.splice(0).map((c) => c.end().catch(() => undefined)));
    await app?.close();
    await writer?.end();
    await server?.stop();
  });

  it('delivers events committed while every other slot is taken', async () => {
    app = await startOutboxApp(server.url, {
      providers: [...recorderProviders(recorder, 'a'), LedgerListener],
      outbox: { pollIntervalMs: POLL_INTERVAL_MS },
      database: { idleTimeoutMs: IDLE_TIMEOUT_MS },
      tuning: { leaseMs: 3000 },
    });
    await app.relay.whenListening();

    // Idle past the idle timeout: the relay's pool is down to what it keeps (one connection, or none without a floor).
    const idleBy = Date.now() + 30_000;
    while ((await backends('baofoo-outbox')) > 1 && Date.now() < idleBy) await sleep(100);
    await sleep(2 * IDLE_TIMEOUT_MS);

    // The rest of the server goes to other clients, which keep taking any slot that frees up (the app's DataSource closing an idle one).
    while (await takeSlot());
    expect(others.length).toBeGreaterThan(0);
    topUp = (async () => {
      while (filling) if (!(await takeSlot())) await sleep(20);
    })();

    const rows = Array.from({ length: EVENTS }, () => outboxRow(paidEvent()));
    const { text, params } = outboxInsertStatement(rows);
    await writer.query(text, params);
    await writer.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);

    const ids = rows.map((r) => r.event_id);
    await recorder.until(() => ids.every((id) => recorder.eventIds('LedgerListener.onPaid').has(id)), 30_000, 'the listener to hear every event');
    let undelivered = EVENTS;
    const deliveredBy = Date.now() + 30_000;
    while (undelivered > 0 && Date.now() < deliveredBy) {
      undelivered = (await writer.query<{ n: number }>('SELECT count(*)::int AS n FROM baofoo_outbox WHERE event_id = ANY($1) AND delivered_at IS NULL', [ids])).rows[0].n;
      if (undelivered > 0) await sleep(100);
    }
    expect(undelivered).toBe(0);
    // Still full: the delivery did not wait for a slot to free up.
    expect(await takeSlot()).toBe(false);
    expect(await backends('baofoo-outbox')).toBe(1);
  }, 120_000);
});
