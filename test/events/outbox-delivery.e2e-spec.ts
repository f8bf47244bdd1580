import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import { OnBaofooEvent } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxEntry } from '../../src/baofoo/events/outbox-entry.ts';
import pg from 'pg';
import { OUTBOX_CHANNEL } from '../../src/baofoo/events/outbox.constants.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { PaymentOrderRepository } from '../../src/baofoo/orders/payment-order.repository.ts';
import { appDatabaseUrl, createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { EmitterSubscriber, LedgerListener, MailerListener, recorderProviders } from './recording-listeners.ts';

/** Generous: only a hang misses it, and still far below the 60 s poll of the wake-up tests. */
const DEADLINE_MS = 20_000;

describe('the outbox relay delivering committed events', () => {
  let db: TestDatabase;
  let app: OutboxApp | undefined;
  let recorder: DeliveryRecorder;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await db.drop();
  });

  async function start(pollIntervalMs: number) {
    recorder = new DeliveryRecorder();
    app = await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, 'a'), LedgerListener, MailerListener, EmitterSubscriber], outbox: { pollIntervalMs } });
    await app.relay.whenListening();
    return app;
  }

  it('gives every listener the event with its stable id, TransID, amounts and source, and records each delivery', async () => {
    const { monitor } = await start(100);
    const event = paidEvent({ orderMoney: 12_345, transId: 'T2025112500000000042' });

    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => recorder.eventIds('LedgerListener.onPaid').has(event.eventId) && recorder.eventIds('mailer').has(event.eventId) && recorder.eventIds('@OnEvent').has(event.eventId));

    const [ledger] = recorder.of('LedgerListener.onPaid');
    expect(ledger.payload).toEqual(event);
    expect(ledger.payload).toMatchObject({ eventId: event.eventId, type: 'baofoo.payment.succeeded', transId: 'T2025112500000000042', orderMoney: 12_345, factMoney: 12_345, source: 'notification' });
    expect(ledger.attempt).toBe(1);
    expect(ledger.lagMs).toBeGreaterThanOrEqual(0);
    expect(recorder.of('@OnEvent')[0].payload).toEqual(event);
    await app!.relay.stop();
    const records = await query<{ listener: string; status: string; attempts: number }>(db.url, `SELECT listener, status, attempts FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 ORDER BY listener`, [event.eventId]);
    expect(records).toEqual([
      { listener: 'LedgerListener.onPaid', status: 'delivered', attempts: 1 },
      { listener: 'mailer', status: 'delivered', attempts: 1 },
    ]);
    // The listener that settled first is on record at once (a crash must not run it again); the last one, delivered at its first call, is only named on the outbox row.
    const [row] = await query<{ delivered: boolean; attempts: number; first_try: string[]; records: number }>(
      db.url,
      `SELECT delivered_at IS NOT NULL AS delivered, attempts, first_try_listeners AS first_try, (SELECT count(*)::int FROM baofoo_event_deliveries d WHERE d.event_id = o.event_id) AS records
         FROM baofoo_outbox o WHERE event_id = $1`,
      [event.eventId],
    );
    expect(row).toEqual({ delivered: true, attempts: 1, first_try: [expect.stringMatching(/^(LedgerListener\.onPaid|mailer)$/)], records: 1 });
    const health = await monitor.snapshot();
    expect(health).toMatchObject({ pending: 0, oldestPendingAgeMs: null, deadLetters: 0 });
    expect(health.lagP99Ms).toEqual(expect.any(Number));
  });

  it('delivers the rows written by the notification writers’ outboxEntry, with the order id taken from its column', async () => {
    await start(100);
    const entry = outboxEntry(
      'baofoo.payment.succeeded',
      { orderId: '77', transId: 'T2025112500000000077', memberId: '100000178', terminalId: '10000001', orderMoney: 500, factMoney: 500, status: 'PAID', previousStatus: 'FAILED', source: 'query' },
      new Date('2025-11-25T04:00:00Z'),
      { resultDesc: '01', succTime: '20251125120000', late: true, partial: false, shortfall: 0, reason: null },
    );

    await commitOutboxRows(db.url, [entry]);
    await recorder.until(() => recorder.eventIds('LedgerListener.onPaid').has(entry.event_id));

    expect(recorder.of('LedgerListener.onPaid').find((c) => c.eventId === entry.event_id)?.payload).toMatchObject({
      eventId: entry.event_id,
      orderId: '77',
      transId: 'T2025112500000000077',
      occurredAt: '2025-11-25T04:00:00.000Z',
      previousStatus: 'FAILED',
      source: 'query',
      late: true,
    });
  });

  it('wakes on the NOTIFY of a writer without a relay (a hand-built repository, as the CLI has) long before the next poll', async () => {
    const { monitor } = await start(60_000);
    const event = paidEvent();
    const writerDb = new BaofooDatabase(() => ({ connectionString: appDatabaseUrl(db.url) }), { poolSize: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 2000, answerWithinMs: 5000 });

    try {
      await new PaymentOrderRepository(writerDb).record(null, [outboxRow(event)]);
      // Far sooner than the next poll (60 s): only the NOTIFY can have woken the relay.
      await recorder.until(() => recorder.eventIds('LedgerListener.onPaid').has(event.eventId), DEADLINE_MS, 'the event woken by NOTIFY');

      expect((await monitor.snapshot()).relay).toEqual({ running: true, listening: true });
    } finally {
      await writerDb.end();
    }
  });

  it('finds events committed without a wake-up by polling', async () => {
    await start(300);
    // A delivered first event leaves the relay at rest, with nothing due but its next poll.
    const first = paidEvent();
    await commitOutboxRows(db.url, [outboxRow(first)]);
    await recorder.until(() => recorder.eventIds('mailer').has(first.eventId), DEADLINE_MS, 'the first event');
    await app!.relay.settled();
    const events = [paidEvent(), paidEvent(), paidEvent()];

    await commitOutboxRows(db.url, events.map(outboxRow), { notify: false });

    await recorder.until(() => events.every((e) => recorder.eventIds('mailer').has(e.eventId)), DEADLINE_MS, 'the events only a poll finds');
  });

  it('wakes its own relay after a commit in its process without any NOTIFY, so the settling transaction takes no notification lock', async () => {
    const { module } = await start(60_000);
    const listener = new pg.Client(db.url);
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    const event = paidEvent();

    try {
      await module.get(PaymentOrderRepository).record(null, [outboxRow(event)]);
      // Far sooner than the next poll (60 s): the commit itself woke the relay.
      await recorder.until(() => recorder.eventIds('LedgerListener.onPaid').has(event.eventId), DEADLINE_MS, 'the event woken by its commit');
      // A NOTIFY sent after the delivery arrives after this one: once the sentinel is heard, any earlier one would have been.
      const sentinel = new Promise<void>((resolve) => listener.on('notification', (n) => n.payload === 'sentinel' && resolve()));
      await query(db.url, `SELECT pg_notify($1, 'sentinel')`, [OUTBOX_CHANNEL]);
      await sentinel;

      expect(heard).toEqual(['sentinel']);
      expect(await query(db.url, `SELECT tgname FROM pg_trigger WHERE tgrelid = 'baofoo_outbox'::regclass AND NOT tgisinternal`)).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('refuses to boot when two listeners would keep their delivery records under the same name', async () => {
    @Injectable()
    class FirstMailer {
      @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'mailer' })
      send(): void {}
    }

    const booting = startOutboxApp(db.url, { providers: [...recorderProviders(new DeliveryRecorder(), 'a'), MailerListener, FirstMailer] });

    await expect(booting).rejects.toThrow(/two Baofoo listeners are named mailer \((FirstMailer\.send and MailerListener\.onPaid|MailerListener\.onPaid and FirstMailer\.send)\): .* give one a listenerId/);
  });
});
