import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, until, type OutboxApp } from './outbox-test-app.ts';
import { RECORDER, recorderProviders } from './recording-listeners.ts';

const SLOW_TRANS_ID = 'T2025112500000000999';
/** Generous: only a hang misses it. */
const DEADLINE_MS = 20_000;

/** Where the slow listener waits: it holds its event until the test opens the gate. */
class Gate {
  private markEntered!: () => void;
  private markOpen!: () => void;
  readonly entered = new Promise<void>((resolve) => (this.markEntered = resolve));
  readonly opened = new Promise<void>((resolve) => (this.markOpen = resolve));

  async pass(): Promise<void> {
    this.markEntered();
    await this.opened;
  }

  open(): void {
    this.markOpen();
  }
}

const GATE = Symbol('GATE');

/** Holds one order's event until the test lets it go, no time over the others'. */
@Injectable()
class SometimesSlowListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(GATE) private readonly gate: Gate,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'sometimes-slow' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    if (event.transId === SLOW_TRANS_ID) await this.gate.pass();
    this.recorder.record({ app: 'a', listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
  }
}

describe('a slow listener', () => {
  let db: TestDatabase;
  let app: OutboxApp;
  const recorder = new DeliveryRecorder();
  const gate = new Gate();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, 'a'), { provide: GATE, useValue: gate }, SometimesSlowListener], outbox: { pollIntervalMs: 100 } });
    await app.relay.whenListening();
  });
  afterAll(async () => {
    gate.open();
    await app.close();
    await db.drop();
  });

  it('delays only its own event: events committed with it and after it are delivered and finished while it runs', async () => {
    const slow = outboxRow(paidEvent({ transId: SLOW_TRANS_ID }));
    const before = Array.from({ length: 20 }, () => outboxRow(paidEvent()));
    const after = Array.from({ length: 20 }, () => outboxRow(paidEvent()));

    await commitOutboxRows(db.url, [slow, ...before]);
    await recorder.until(() => recorder.calls.length === before.length, DEADLINE_MS, 'the events claimed with the slow one');
    await gate.entered;
    await commitOutboxRows(db.url, after);
    await recorder.until(() => recorder.calls.length === before.length + after.length, DEADLINE_MS, 'the events committed after the slow one');
    // Finished on record, not just called: the relay counts an event once the statement that finished it has run.
    await until(() => app.relay.deliveredCount === before.length + after.length, DEADLINE_MS, 'the quick events finished');

    // The slow listener is still held at its gate: nothing here depends on how long it would have taken.
    expect(recorder.eventIds('sometimes-slow')).toEqual(new Set([...before, ...after].map((r) => r.event_id)));
    expect(await query<{ event_id: string }>(db.url, 'SELECT event_id FROM baofoo_outbox WHERE delivered_at IS NULL')).toEqual([{ event_id: slow.event_id }]);

    gate.open();
    await recorder.until(() => recorder.eventIds('sometimes-slow').has(slow.event_id), DEADLINE_MS, 'the slow event');
    await app.relay.settled();
    expect(await query(db.url, 'SELECT event_id FROM baofoo_outbox WHERE delivered_at IS NULL')).toEqual([]);
    const records = await query<{ status: string; attempts: number; n: number }>(db.url, `SELECT status, attempts, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} GROUP BY status, attempts`);
    expect(records).toEqual([{ status: 'delivered', attempts: 1, n: 41 }]);
  });
});
