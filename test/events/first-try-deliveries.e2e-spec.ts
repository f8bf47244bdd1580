import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { commitOutboxRows, failedEvent, paidEvent, query, startOutboxApp, until, type OutboxApp } from './outbox-test-app.ts';

/** Generous: only a hang misses it. */
const DEADLINE_MS = 20_000;

const FAILURES = Symbol('FAILURES');

/** The one listener of payment-succeeded events: fails as many times as the test set for the event. */
@Injectable()
class Fulfilment {
  constructor(@Inject(FAILURES) private readonly failures: Map<string, number>) {}

  @OnBaofooEvent('baofoo.payment.succeeded')
  ship(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): void {
    if (context.attempt <= (this.failures.get(event.eventId) ?? 0)) throw new Error(`warehouse down (attempt ${context.attempt})`);
  }
}

const ERP = Symbol('ERP');

/** Two listeners of payment-failed events: `note` succeeds once the failure of `toErp` (down until ops fix it) is on record, so `note` settles last. */
@Injectable()
class Audit {
  readonly calls: string[] = [];

  constructor(@Inject(ERP) private readonly erp: { fixed: boolean; url: string }) {}

  @OnBaofooEvent('baofoo.payment.failed')
  async note(event: BaofooEventMap['baofoo.payment.failed']): Promise<void> {
    const failed = `SELECT 1 FROM baofoo_event_deliveries WHERE event_id = $1 AND listener = 'Audit.toErp'`;
    await until(async () => (await query(this.erp.url, failed, [event.eventId])).length > 0, DEADLINE_MS, 'the ERP failure on record');
    this.calls.push('note');
  }

  // One attempt: it dead-letters in the pass that calls `note`, so that pass finishes the event (an unfinished one records every outcome).
  @OnBaofooEvent('baofoo.payment.failed', { attempts: 1 })
  toErp(): void {
    this.calls.push('erp');
    if (!this.erp.fixed) throw new Error('the ERP is down');
  }
}

describe('delivery records kept only for what needs remembering', () => {
  let db: TestDatabase;
  let app: OutboxApp;
  const failures = new Map<string, number>();
  const erp = { fixed: false, url: '' };

  beforeAll(async () => {
    db = await createTestDatabase();
    erp.url = db.url;
    app = await startOutboxApp(db.url, {
      providers: [{ provide: FAILURES, useValue: failures }, Fulfilment, { provide: ERP, useValue: erp }, Audit],
      outbox: { pollIntervalMs: 50, delivery: { attempts: 5, backoff: { baseMs: 20, factor: 1, maxMs: 20, jitter: 0 }, timeoutMs: 1000 } },
    });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  async function finished(eventId: string): Promise<{ firstTry: string[] | null; records: { status: string; attempts: number; last_error: string | null }[] }> {
    const outbox = async () =>
      (await query<{ delivered: boolean; first_try: string[] | null }>(db.url, `SELECT delivered_at IS NOT NULL AS delivered, first_try_listeners AS first_try FROM baofoo_outbox WHERE event_id = $1`, [eventId]))[0];
    await until(async () => (await outbox()).delivered, DEADLINE_MS, `event ${eventId} finished`);
    const records = await query<{ status: string; attempts: number; last_error: string | null }>(db.url, `SELECT status, attempts, last_error FROM baofoo_event_deliveries WHERE event_id = $1`, [eventId]);
    return { firstTry: (await outbox()).first_try, records };
  }

  it('writes no record for a listener delivered at its first call: the outbox row names it', async () => {
    const event = paidEvent();

    await commitOutboxRows(db.url, [outboxRow(event)]);

    expect(await finished(event.eventId)).toEqual({ firstTry: ['Fulfilment.ship'], records: [] });
  });

  it('keeps the record of a listener that failed before it got the event, and names no first try', async () => {
    const event = paidEvent();
    failures.set(event.eventId, 1);

    await commitOutboxRows(db.url, [outboxRow(event)]);

    expect(await finished(event.eventId)).toEqual({ firstTry: null, records: [{ status: 'delivered', attempts: 2, last_error: expect.stringContaining('warehouse down (attempt 1)') }] });
  });

  it('replays a dead letter to its listener alone: a first try named on the outbox row is not run again', async () => {
    const audit = app.module.get(Audit);
    const event = failedEvent();
    await commitOutboxRows(db.url, [outboxRow(event)]);
    expect(await finished(event.eventId)).toEqual({ firstTry: ['Audit.note'], records: [expect.objectContaining({ status: 'dead', attempts: 1 })] });

    erp.fixed = true;
    expect(await app.admin.replayDeadLetters({ eventIds: [event.eventId] })).toHaveLength(1);

    await until(async () => (await finished(event.eventId)).records[0].status === 'delivered', DEADLINE_MS, 'the replayed listener delivered');
    expect(audit.calls).toEqual(['erp', 'note', 'erp']);
    expect((await finished(event.eventId)).firstTry).toEqual(['Audit.note']);
  });
});
