import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { commitOutboxRows, query, rowsOf, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { APP_NAME, LedgerListener, MailerListener, RECORDER, recorderProviders } from './recording-listeners.ts';

/** Generous: only a hang misses it. */
const DEADLINE_MS = 30_000;

/** The instances that have had an event delivered to them. */
const working = new Set<string>();

/**
 * Holds each instance's events until the other instance has had one too: an
 * instance holds at most `concurrency` events, so the other must claim the
 * rest while it holds them. Both doing work is then guaranteed, not luck.
 */
@Injectable()
class HandOverListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'hand-over' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    working.add(this.app);
    // Recorded on entry: the other instance's waiting calls look at `working` again.
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: {} });
    const other = this.app === 'one' ? 'two' : 'one';
    await this.recorder.until(() => working.has(other), DEADLINE_MS, `instance ${other} claiming while ${this.app} holds its events`);
  }
}

describe('two app instances on one database', () => {
  const total = 10_000;
  const listeners = ['LedgerListener.onPaid', 'mailer', 'hand-over'];
  let db: TestDatabase;
  const log = new CapturedLog();
  const recorder = new DeliveryRecorder();
  const apps: OutboxApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const name of ['one', 'two']) {
      apps.push(await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, name), LedgerListener, MailerListener, HandOverListener], outbox: { pollIntervalMs: 200 }, log }));
    }
    await Promise.all(apps.map((a) => a.relay.whenListening()));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('share the work and deliver 10,000 events to each listener exactly once between them, none missing', async () => {
    const rows = rowsOf(total);

    await commitOutboxRows(db.url, rows, { chunk: 500 });
    await recorder.until(() => listeners.every((l) => recorder.count(l) >= total), 2 * DEADLINE_MS, `${total} deliveries to each listener`);
    await Promise.all(apps.map((a) => a.relay.settled()));

    const expected = new Set(rows.map((r) => r.event_id));
    for (const listener of listeners) {
      const calls = recorder.of(listener);
      expect(calls).toHaveLength(total);
      expect(recorder.eventIds(listener)).toEqual(expected);
    }
    // Both instances did part of the work: the claim shares it rather than serialising it (HandOverListener makes it so).
    for (const name of ['one', 'two']) expect(recorder.calls.filter((c) => c.app === name).length).toBeGreaterThan(0);
    const [outbox] = await query<{ undelivered: number }>(db.url, 'SELECT count(*) FILTER (WHERE delivered_at IS NULL)::int AS undelivered FROM baofoo_outbox');
    // Should some be left (seen once, behind PgBouncer), the failure shows the relays' warnings and where those events stand.
    const left = outbox.undelivered
      ? {
          warnings: log.lines.filter((l) => l.level !== 'log').slice(0, 5),
          states: await query(db.url, 'SELECT attempts, next_attempt_at > now() AS leased, count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL GROUP BY 1, 2'),
        }
      : {};
    expect({ undelivered: outbox.undelivered, ...left }).toEqual({ undelivered: 0 });
    const records = await query<{ status: string; attempts: number; n: number }>(db.url, `SELECT status, attempts, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} GROUP BY status, attempts`);
    expect(records).toEqual([{ status: 'delivered', attempts: 1, n: listeners.length * total }]);
  }, 4 * DEADLINE_MS);
});
