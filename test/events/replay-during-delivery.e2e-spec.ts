import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, until, type OutboxApp } from './outbox-test-app.ts';

/** What each listener saw, and the moments the test waits for. */
class Script {
  brokenCalls = 0;
  heldCalls = 0;
  private release: () => void = () => undefined;
  readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  private heldStarted: () => void = () => undefined;
  readonly heldRunning = new Promise<void>((resolve) => (this.heldStarted = resolve));
  private brokenAgain: () => void = () => undefined;
  readonly brokenCalledAgain = new Promise<void>((resolve) => (this.brokenAgain = resolve));

  onBroken(): void {
    this.brokenCalls += 1;
    if (this.brokenCalls === 1) throw new Error('down for now');
    this.brokenAgain();
  }

  async onHeld(): Promise<void> {
    this.heldCalls += 1;
    this.heldStarted();
    await this.gate;
  }

  letHeldFinish(): void {
    this.release();
  }
}

const script = new Script();

@Injectable()
class BrokenListener {
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'broken' })
  onPaid(_event: BaofooEventMap['baofoo.payment.succeeded']): void {
    script.onBroken();
  }
}

@Injectable()
class HeldListener {
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'held' })
  async onPaid(_event: BaofooEventMap['baofoo.payment.succeeded']): Promise<void> {
    await script.onHeld();
  }
}

/** Resolves with `value` or fails after `ms`: a deadline only a real hang misses. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Issue 19 item 1, through the relay's real finishing step: one listener of
 * an event gave up (dead), the other is still running under the relay's
 * claim, and an operator replays the dead one. The relay's plan said "done"
 * before the replay; the database must not take its word for it.
 */
describe('a dead letter replayed while its event is still being delivered', () => {
  let db: TestDatabase;
  let app: OutboxApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startOutboxApp(db.url, { providers: [BrokenListener, HeldListener], outbox: { maxAttempts: 1 }, tuning: { leaseMs: 1500 } });
  });
  afterAll(async () => {
    script.letHeldFinish();
    await app?.close();
    await db?.drop();
  });

  const deliveries = async (eventId: string) =>
    Object.fromEntries(
      (await query<{ listener: string; status: string }>(db.url, `SELECT listener, status FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1`, [eventId])).map((r) => [r.listener, r.status]),
    );

  it('runs the replayed listener again, once, and calls the other one no second time', async () => {
    const row = outboxRow(paidEvent());
    await commitOutboxRows(db.url, [row]);
    await within(script.heldRunning, 20_000, 'the held listener was called');
    await until(async () => (await deliveries(row.event_id)).broken === 'dead', 20_000, 'the broken listener was dead-lettered');

    expect(await app.admin.replayDeadLetters({ eventIds: [row.event_id] })).toHaveLength(1);
    script.letHeldFinish();

    await within(script.brokenCalledAgain, 30_000, 'the replayed listener ran again');
    await until(async () => (await query<{ done: boolean }>(db.url, `SELECT delivered_at IS NOT NULL AS done FROM baofoo_outbox WHERE event_id = $1`, [row.event_id]))[0].done, 30_000, 'the event was finished');
    await app.relay.settled();

    expect(await deliveries(row.event_id)).toEqual({ broken: 'delivered', held: 'delivered' });
    expect({ broken: script.brokenCalls, held: script.heldCalls }).toEqual({ broken: 2, held: 1 });
  });
});
