import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, paidEvent, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { EmitterSubscriber, LedgerListener, recorderProviders } from './recording-listeners.ts';

/*
 * What docs/setup.md promises: EventEmitterModule is optional. Without it
 * the app boots, @OnBaofooEvent listeners get every event, and only plain
 * @OnEvent subscribers (which need the emitter) hear nothing.
 */
describe('an app without EventEmitterModule', () => {
  let db: TestDatabase;
  let app: OutboxApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('delivers committed events to its @OnBaofooEvent listeners, and to no plain @OnEvent subscriber', async () => {
    const recorder = new DeliveryRecorder();
    app = await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, 'a'), LedgerListener, EmitterSubscriber], eventEmitter: false });
    const event = paidEvent();

    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => recorder.eventIds('LedgerListener.onPaid').has(event.eventId));
    await app.relay.stop();

    expect(recorder.of('LedgerListener.onPaid').map((r) => r.payload)).toEqual([event]);
    expect(recorder.of('@OnEvent')).toEqual([]);
  });
});
