import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, until, type OutboxApp } from './outbox-test-app.ts';
import { LedgerListener, recorderProviders } from './recording-listeners.ts';

/** Generous: only a hang misses it. */
const DEADLINE_MS = 20_000;
/** Far longer than the test: a finish written before the app closed was not written by its linger. */
const FINISH_LINGER_MS = 60_000;
/** Short, so the second app would surely have claimed an unfinished first event; still far beyond the gap from a listener call to the stop. */
const LEASE_MS = 3000;
const LISTENER = 'LedgerListener.onPaid';

/**
 * An app closed while the finish of an event its listener ran is still
 * lingering writes it on the way out: the event is on record as delivered, and
 * no relay started later on the database calls the listener again.
 */
describe('closing an app with finishes lingering', () => {
  let db: TestDatabase;
  const apps: OutboxApp[] = [];
  const recorder = new DeliveryRecorder();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  const start = (name: string) =>
    startOutboxApp(db.url, { providers: [...recorderProviders(recorder, name), LedgerListener], tuning: { finishLingerMs: FINISH_LINGER_MS, leaseMs: LEASE_MS } }).then((app) => {
      apps.push(app);
      return app;
    });
  const outboxRowOf = async (eventId: string) =>
    (
      await query<{ delivered: boolean; first_try: string[] | null; claims: number; leased: boolean }>(
        db.url,
        `SELECT delivered_at IS NOT NULL AS delivered, first_try_listeners AS first_try, attempts AS claims, next_attempt_at > now() AS leased FROM baofoo_outbox WHERE event_id = $1`,
        [eventId],
      )
    )[0];
  const callsOf = (eventId: string) => recorder.calls.filter((c) => c.eventId === eventId).map((c) => `${c.app} ${c.listener}`);

  it('writes the lingering finish before the pool closes, without waiting out the linger, and the event is not delivered again', async () => {
    const first = await start('first');
    const event = paidEvent();
    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => callsOf(event.eventId).length === 1, DEADLINE_MS, 'the first app’s listener called');
    // The listener ran and its finish lingers: nothing on record yet.
    expect(await outboxRowOf(event.eventId)).toMatchObject({ delivered: false, first_try: null, claims: 1 });

    const closing = performance.now();
    await first.close();
    const closeMs = performance.now() - closing;
    apps.splice(apps.indexOf(first), 1);
    process.stdout.write(`close with a finish lingering (finishLingerMs ${FINISH_LINGER_MS}): ${Math.round(closeMs)} ms\n`);

    // close() wrote the finish (the linger would have taken a minute), and did not wait the linger out.
    expect(closeMs).toBeLessThan(FINISH_LINGER_MS / 2);
    expect(await outboxRowOf(event.eventId)).toMatchObject({ delivered: true, first_try: [LISTENER], claims: 1 });
    expect(await query(db.url, `SELECT 1 FROM baofoo_event_deliveries WHERE event_id = $1`, [event.eventId])).toEqual([]);

    // A second app on the database: once the first event's lease is over it would claim it if it were unfinished;
    // a later event it delivers shows its relay has claimed since.
    const second = await start('second');
    await until(async () => !(await outboxRowOf(event.eventId)).leased, DEADLINE_MS, 'the first event’s lease over');
    const later = paidEvent();
    await commitOutboxRows(db.url, [outboxRow(later)]);
    await recorder.until(() => callsOf(later.eventId).length === 1, DEADLINE_MS, 'the second app’s listener called');
    // Counted once the second app is closed: whatever its relay had started has ended by then.
    await second.close();
    apps.splice(apps.indexOf(second), 1);

    expect(callsOf(later.eventId)).toEqual([`second ${LISTENER}`]);
    expect(callsOf(event.eventId)).toEqual([`first ${LISTENER}`]);
    expect(await outboxRowOf(event.eventId)).toMatchObject({ delivered: true, first_try: [LISTENER], claims: 1 });
    expect(await outboxRowOf(later.eventId)).toMatchObject({ delivered: true, first_try: [LISTENER], claims: 1 });
  }, 120_000);
});
