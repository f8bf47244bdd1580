import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { outboxInsertStatement, outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { pendingOrder } from '../notifications/notification-support.ts';
import { createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { paidEvent, query, until } from './outbox-test-app.ts';
import { EmitterSubscriber, LedgerListener, recorderProviders } from './recording-listeners.ts';

/**
 * Every claim of an event (a write that moves its claim counter), as a
 * trigger sees it: what tells a claim statement from an event born claimed.
 */
const RECORD_CLAIMS = [
  `CREATE TABLE test_outbox_claims (event_id uuid NOT NULL, claims int NOT NULL, at timestamptz NOT NULL)`,
  `CREATE FUNCTION test_record_claim() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.attempts <> OLD.attempts THEN INSERT INTO test_outbox_claims VALUES (NEW.event_id, NEW.attempts, clock_timestamp()); END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER test_record_claim AFTER UPDATE ON baofoo_outbox FOR EACH ROW EXECUTE FUNCTION test_record_claim()`,
];

describe('events claimed at birth', () => {
  let db: TestDatabase;
  let t: TestApp;
  const recorder = new DeliveryRecorder();

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const sql of RECORD_CLAIMS) await query(db.url, sql);
    t = await createTestApp(db.url, testOptions({ outbox: { pollIntervalMs: 100 } }), { providers: [...recorderProviders(recorder, 'shop'), LedgerListener, EmitterSubscriber] });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const claimsOf = (eventId: string) => query<{ claims: number }>(db.url, `SELECT claims FROM test_outbox_claims WHERE event_id = $1 ORDER BY at`, [eventId]);
  const outboxRowOf = (eventId: string) =>
    query<{ attempts: number; delivered: boolean; order_id: string }>(db.url, `SELECT attempts, delivered_at IS NOT NULL AS delivered, order_id::text FROM baofoo_outbox WHERE event_id = $1`, [eventId]);
  const callsOf = (eventId: string) => recorder.calls.filter((c) => c.eventId === eventId);

  it('delivers the event of a notification this process settled with no claim statement, as a first claim', async () => {
    const order = await pendingOrder(t, 10000);
    const answer = await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', signedNotification({ transId: order.transId, result: 'success', factMoney: 10000, succTime: '20261125120000' }));
    expect(answer.body).toBe('OK');
    const [{ event_id: eventId, order_id: orderId }] = await query<{ event_id: string; order_id: string }>(
      db.url,
      `SELECT event_id, order_id::text FROM baofoo_outbox WHERE trans_id = $1 AND type = 'baofoo.payment.succeeded'`,
      [order.transId],
    );

    // The listener and the @OnEvent subscriber (told on a first claim only) both hear it.
    await recorder.until(() => callsOf(eventId).length === 2, 20_000, 'the event delivered');
    await until(async () => (await outboxRowOf(eventId))[0].delivered, 20_000, 'the event finished');

    expect(await claimsOf(eventId)).toEqual([]);
    expect(await outboxRowOf(eventId)).toEqual([{ attempts: 1, delivered: true, order_id: orderId }]);
    expect(callsOf(eventId).map((c) => c.listener)).toContain('@OnEvent');
    for (const call of callsOf(eventId)) expect([call.attempt, call.payload.orderId, call.payload.transId]).toEqual([1, orderId, order.transId]);
  });

  it('claims an event born claimed by a process that died before delivering it once its lease ran out, and delivers it once', async () => {
    const event = paidEvent();
    const { text, params } = outboxInsertStatement([{ ...outboxRow(event), lease_ms: 1000 }]);
    await query(db.url, text, params);
    const [born] = await query<{ attempts: number; leased: boolean }>(db.url, `SELECT attempts, next_attempt_at > now() AS leased FROM baofoo_outbox WHERE event_id = $1`, [event.eventId]);
    expect(born).toEqual({ attempts: 1, leased: true });

    await recorder.until(() => callsOf(event.eventId).length === 1, 20_000, 'the dead writer’s event delivered');
    await until(async () => (await outboxRowOf(event.eventId))[0].delivered, 20_000, 'the event finished');

    // The second claim, not before the first one's lease ran out; records were loaded, so @OnEvent is not told again.
    const [late] = await query<{ late: boolean }>(
      db.url,
      `SELECT c.at >= o.created_at + interval '1 second' AS late FROM test_outbox_claims c JOIN baofoo_outbox o USING (event_id) WHERE c.event_id = $1`,
      [event.eventId],
    );
    expect(late).toEqual({ late: true });
    expect(await claimsOf(event.eventId)).toEqual([{ claims: 2 }]);
    expect(callsOf(event.eventId).map((c) => c.listener)).not.toContain('@OnEvent');
  });
});
