import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, query, rowsOf, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { APP_NAME, RECORDER, recorderProviders } from './recording-listeners.ts';

/** Renewed every third of it: a busy machine (the whole suite on two cores) must stall a renewal by more than a second to lose it. */
const LEASE_MS = 2000;
/** Several leases long, far inside the listener timeout. */
const SLOW_MS = 3 * LEASE_MS;

@Injectable()
class SlowListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'slow' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
  }
}

describe('a listener that runs longer than the lease', () => {
  let db: TestDatabase;
  const apps: OutboxApp[] = [];
  const recorder = new DeliveryRecorder();
  const log = new CapturedLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two relays polling often: the second takes any event whose lease the first let run out.
    for (const name of ['one', 'two']) {
      apps.push(await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, name), SlowListener], outbox: { pollIntervalMs: 50, delivery: { timeoutMs: 4 * SLOW_MS } }, tuning: { leaseMs: LEASE_MS }, log }));
    }
    await Promise.all(apps.map((a) => a.relay.whenListening()));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('keeps its claim through the heartbeat: called once, while the lease is renewed past its first end', async () => {
    const rows = rowsOf(10);
    await commitOutboxRows(db.url, rows);
    await recorder.until(() => recorder.count('slow') === rows.length, 10_000, 'every event claimed');
    // Every event is in a delivery now: once those settled, each is finished or in nobody's hands.
    await Promise.all(apps.map((a) => a.relay.settled()));

    // Each event was held for three leases by one relay, and no other relay (nor its own) claimed it again.
    expect(recorder.count('slow')).toBe(rows.length);
    expect(recorder.eventIds('slow')).toEqual(new Set(rows.map((r) => r.event_id)));
    const outbox = await query<{ attempts: number; n: number }>(db.url, 'SELECT attempts, count(*)::int AS n FROM baofoo_outbox GROUP BY attempts');
    expect(outbox).toEqual([{ attempts: 1, n: rows.length }]);
    const records = await query<{ status: string; attempts: number; n: number }>(db.url, `SELECT status, attempts, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} GROUP BY status, attempts`);
    expect(records).toEqual([{ status: 'delivered', attempts: 1, n: rows.length }]);
    expect(log.lines.filter((l) => /outbox/i.test(l.message) && l.level !== 'log')).toEqual([]);
  }, 30_000);
});
