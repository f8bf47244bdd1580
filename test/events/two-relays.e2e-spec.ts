import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { commitOutboxRows, query, rowsOf, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { LedgerListener, MailerListener, recorderProviders } from './recording-listeners.ts';

describe('two app instances on one database', () => {
  const total = 10_000;
  let db: TestDatabase;
  const recorder = new DeliveryRecorder();
  const apps: OutboxApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const log = new CapturedLog();
    for (const name of ['one', 'two']) {
      apps.push(await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, name), LedgerListener, MailerListener], outbox: { pollIntervalMs: 200 }, log }));
    }
    await Promise.all(apps.map((a) => a.relay.whenListening()));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('deliver 10,000 events to each listener exactly once between them, none missing', async () => {
    const rows = rowsOf(total);

    await commitOutboxRows(db.url, rows, { chunk: 500 });
    await recorder.until(() => recorder.count('LedgerListener.onPaid') >= total && recorder.count('mailer') >= total, 60_000, `${total} deliveries to each listener`);
    await Promise.all(apps.map((a) => a.relay.settled()));

    const expected = new Set(rows.map((r) => r.event_id));
    for (const listener of ['LedgerListener.onPaid', 'mailer']) {
      const calls = recorder.of(listener);
      expect(calls).toHaveLength(total);
      expect(recorder.eventIds(listener)).toEqual(expected);
    }
    // Both instances did part of the work: the claim shares it rather than serialising it.
    for (const name of ['one', 'two']) expect(recorder.calls.filter((c) => c.app === name).length).toBeGreaterThan(0);
    const [outbox] = await query<{ undelivered: number }>(db.url, 'SELECT count(*) FILTER (WHERE delivered_at IS NULL)::int AS undelivered FROM baofoo_outbox');
    expect(outbox.undelivered).toBe(0);
    const records = await query<{ status: string; attempts: number; n: number }>(db.url, 'SELECT status, attempts, count(*)::int AS n FROM baofoo_event_deliveries GROUP BY status, attempts');
    expect(records).toEqual([{ status: 'delivered', attempts: 1, n: 2 * total }]);
  }, 60_000);
});
