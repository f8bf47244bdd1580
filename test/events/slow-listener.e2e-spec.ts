import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { RECORDER, recorderProviders } from './recording-listeners.ts';

const SLOW_TRANS_ID = 'T2025112500000000999';
const SLOW_MS = 10_000;

/** Takes ten seconds over one order's event, no time over the others'. */
@Injectable()
class SometimesSlowListener {
  constructor(@Inject(RECORDER) private readonly recorder: DeliveryRecorder) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'sometimes-slow' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    if (event.transId === SLOW_TRANS_ID) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    this.recorder.record({ app: 'a', listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
  }
}

describe('a slow listener', () => {
  let db: TestDatabase;
  let app: OutboxApp;
  const recorder = new DeliveryRecorder();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, 'a'), SometimesSlowListener], outbox: { pollIntervalMs: 100 } });
    await app.relay.whenListening();
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('delays only its own event: events committed with it and after it are delivered and recorded while it runs', async () => {
    const slow = outboxRow(paidEvent({ transId: SLOW_TRANS_ID }));
    const before = Array.from({ length: 20 }, () => outboxRow(paidEvent()));
    const after = Array.from({ length: 20 }, () => outboxRow(paidEvent()));
    const started = Date.now();

    await commitOutboxRows(db.url, [slow, ...before]);
    await recorder.until(() => recorder.calls.length === before.length, 5000, 'the events claimed with the slow one');
    await commitOutboxRows(db.url, after);
    await recorder.until(() => recorder.calls.length === before.length + after.length, 5000, 'the events committed after the slow one');
    // Finished on record, not just called: poll the outbox until only the slow event is open (or the slow one ends).
    let undelivered = await query<{ event_id: string }>(db.url, 'SELECT event_id FROM baofoo_outbox WHERE delivered_at IS NULL');
    while (undelivered.length > 1 && Date.now() - started < SLOW_MS) undelivered = await query<{ event_id: string }>(db.url, 'SELECT event_id FROM baofoo_outbox WHERE delivered_at IS NULL');
    const othersDoneAfter = Date.now() - started;

    expect(othersDoneAfter).toBeLessThan(SLOW_MS / 2);
    expect(recorder.eventIds('sometimes-slow')).toEqual(new Set([...before, ...after].map((r) => r.event_id)));
    expect(undelivered).toEqual([{ event_id: slow.event_id }]);

    await recorder.until(() => recorder.eventIds('sometimes-slow').has(slow.event_id), SLOW_MS + 5000, 'the slow event');
    await app.relay.settled();
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS);
    const records = await query<{ status: string; attempts: number; n: number }>(db.url, 'SELECT status, attempts, count(*)::int AS n FROM baofoo_event_deliveries GROUP BY status, attempts');
    expect(records).toEqual([{ status: 'delivered', attempts: 1, n: 41 }]);
  }, 30_000);
});
