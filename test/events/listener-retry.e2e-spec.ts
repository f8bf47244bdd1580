import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { runReplayDeadLetters } from '../../src/cli/commands/replay-dead-letters.command.ts';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { commitOutboxRows, failedEvent, paidEvent, query, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { APP_NAME, RECORDER, recorderProviders } from './recording-listeners.ts';

/** Which listeners currently work: ops "fix" one by flipping it. */
class Faults {
  flakyFailuresLeft = new Map<string, number>();
  brokenFixed = false;
}
const FAULTS = Symbol('FAULTS');

@Injectable()
class PaymentListeners {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
    @Inject(FAULTS) private readonly faults: Faults,
  ) {}

  private note(event: { eventId: string }, context: BaofooDeliveryContext) {
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: {} });
  }

  @OnBaofooEvent('baofoo.payment.succeeded')
  async flaky(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    this.note(event, context);
    const left = this.faults.flakyFailuresLeft.get(event.eventId) ?? 0;
    if (left > 0) {
      this.faults.flakyFailuresLeft.set(event.eventId, left - 1);
      throw new Error(`flaky failure, attempt ${context.attempt}`);
    }
  }

  @OnBaofooEvent('baofoo.payment.succeeded')
  steady(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): void {
    this.note(event, context);
  }

  @OnBaofooEvent('baofoo.payment.succeeded')
  async broken(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    this.note(event, context);
    if (!this.faults.brokenFixed) throw new Error(`the ERP is down (attempt ${context.attempt})`);
  }

  @OnBaofooEvent('baofoo.payment.failed')
  slow(event: BaofooEventMap['baofoo.payment.failed'], context: BaofooDeliveryContext): Promise<void> {
    this.note(event, context);
    // The first call hangs, as one stuck on a dead socket would.
    return context.attempt === 1 ? new Promise(() => undefined) : Promise.resolve();
  }

  @OnBaofooEvent('baofoo.delivery.dead_lettered')
  onDeadLetter(event: BaofooEventMap['baofoo.delivery.dead_lettered'], context: BaofooDeliveryContext): void {
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.deadLetter.eventId, attempt: context.attempt, payload: { ...event } });
  }

  @OnEvent('baofoo.delivery.dead_lettered')
  onDeadLetterEmitted(event: BaofooEventMap['baofoo.delivery.dead_lettered']): void {
    this.recorder.record({ app: this.app, listener: '@OnEvent dead_lettered', eventId: event.deadLetter.eventId, attempt: 1, payload: { ...event } });
  }
}

describe('listeners that fail', () => {
  const maxAttempts = 5;
  let db: TestDatabase;
  let app: OutboxApp;
  const recorder = new DeliveryRecorder();
  const faults = new Faults();
  const log = new CapturedLog();
  const attemptsOf = (listener: string, eventId: string) => recorder.of(listener).filter((c) => c.eventId === eventId).map((c) => c.attempt);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startOutboxApp(db.url, {
      providers: [...recorderProviders(recorder, 'a'), { provide: FAULTS, useValue: faults }, PaymentListeners],
      outbox: { pollIntervalMs: 50, delivery: { attempts: maxAttempts, backoff: { baseMs: 20, factor: 2, maxMs: 200, jitter: 0 }, timeoutMs: 1000 } },
      log,
    });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('retries a listener that fails 3 times and delivers it on attempt 4, while the event’s other listeners run once', async () => {
    const event = paidEvent();
    faults.flakyFailuresLeft.set(event.eventId, 3);

    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => attemptsOf('PaymentListeners.flaky', event.eventId).length === 4);
    await recorder.until(() => recorder.eventIds('PaymentListeners.onDeadLetter').has(event.eventId));

    expect(attemptsOf('PaymentListeners.flaky', event.eventId)).toEqual([1, 2, 3, 4]);
    expect(attemptsOf('PaymentListeners.steady', event.eventId)).toEqual([1]);
    const records = await query<{ listener: string; status: string; attempts: number; last_error: string | null }>(
      db.url,
      `SELECT listener, status, attempts, last_error FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 ORDER BY listener`,
      [event.eventId],
    );
    expect(records).toEqual([
      expect.objectContaining({ listener: 'PaymentListeners.broken', status: 'dead', attempts: maxAttempts, last_error: expect.stringContaining(`the ERP is down (attempt ${maxAttempts})`) }),
      expect.objectContaining({ listener: 'PaymentListeners.flaky', status: 'delivered', attempts: 4, last_error: expect.stringContaining('flaky failure, attempt 3') }),
      expect.objectContaining({ listener: 'PaymentListeners.steady', status: 'delivered', attempts: 1, last_error: null }),
    ]);
  });

  it('dead-letters an always-failing listener after the configured attempts: logged, published and counted in health', async () => {
    const event = paidEvent();

    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => recorder.eventIds('PaymentListeners.onDeadLetter').has(event.eventId) && recorder.eventIds('@OnEvent dead_lettered').has(event.eventId));

    expect(attemptsOf('PaymentListeners.broken', event.eventId)).toEqual([1, 2, 3, 4, 5]);
    expect(attemptsOf('PaymentListeners.steady', event.eventId)).toEqual([1]);
    const report = recorder.of('PaymentListeners.onDeadLetter').find((c) => c.eventId === event.eventId)!.payload;
    expect(report).toMatchObject({
      type: 'baofoo.delivery.dead_lettered',
      source: 'system',
      transId: event.transId,
      orderMoney: event.orderMoney,
      deadLetter: { eventId: event.eventId, type: 'baofoo.payment.succeeded', listener: 'PaymentListeners.broken', attempts: maxAttempts, lastError: expect.stringContaining('the ERP is down') },
    });
    expect(log.lines).toContainEqual({ level: 'error', message: expect.stringContaining(`listener PaymentListeners.broken gave up on event ${event.eventId} (baofoo.payment.succeeded) after ${maxAttempts} attempts`) });
    const [outbox] = await query<{ delivered: boolean }>(db.url, 'SELECT delivered_at IS NOT NULL AS delivered FROM baofoo_outbox WHERE event_id = $1', [event.eventId]);
    expect(outbox.delivered).toBe(true);
    expect((await app.monitor.snapshot()).deadLetters).toBe(2);
  });

  it('replays a dead-lettered delivery to that listener alone once it is fixed', async () => {
    const [dead] = await app.admin.listDeadLetters({ listener: 'PaymentListeners.broken' });
    const steadyBefore = recorder.of('PaymentListeners.steady').length;
    faults.brokenFixed = true;

    const replayed = await app.admin.replayDeadLetters({ eventIds: [dead.eventId] });
    await recorder.until(() => attemptsOf('PaymentListeners.broken', dead.eventId).length === maxAttempts + 1);

    expect(replayed).toEqual([expect.objectContaining({ eventId: dead.eventId, listener: 'PaymentListeners.broken', attempts: maxAttempts, replays: 0 })]);
    expect(attemptsOf('PaymentListeners.broken', dead.eventId).at(-1)).toBe(1);
    await app.relay.settled();
    const [record] = await query<{ status: string; replays: number }>(db.url, `SELECT status, replays FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 AND listener = 'PaymentListeners.broken'`, [dead.eventId]);
    expect(record).toEqual({ status: 'delivered', replays: 1 });
    expect(recorder.of('PaymentListeners.steady').length).toBe(steadyBefore);
    expect((await app.monitor.snapshot()).deadLetters).toBe(1);
  });

  it('replays the rest from the command line, after listing them with --dry-run', async () => {
    const env = { DATABASE_URL: db.url };
    const [remaining] = await app.admin.listDeadLetters();
    const listing = memoryIo();

    expect(await runReplayDeadLetters(['--dry-run', '--listener', 'PaymentListeners.broken'], env, listing)).toBe(0);
    expect(listing.stdout.join('\n')).toContain(remaining.eventId);
    expect(listing.stdout.at(-1)).toBe('1 dead-lettered delivery would be replayed (dry run)');
    const asJson = memoryIo();
    expect(await runReplayDeadLetters(['--dry-run', '--json', '--listener', 'PaymentListeners.broken'], env, asJson)).toBe(0);
    expect(JSON.parse(asJson.stdout.join('\n'))).toMatchObject({ dryRun: true, count: 1, deadLetters: [{ eventId: remaining.eventId, listener: 'PaymentListeners.broken' }] });
    expect(await app.admin.listDeadLetters()).toHaveLength(1);

    const io = memoryIo();
    expect(await runReplayDeadLetters(['--event-id', remaining.eventId], env, io)).toBe(0);
    await recorder.until(() => attemptsOf('PaymentListeners.broken', remaining.eventId).length === maxAttempts + 1);

    await app.relay.settled();

    expect(io.stdout.at(-1)).toBe('1 dead-lettered delivery replayed');
    expect(await app.admin.listDeadLetters()).toEqual([]);
    const [record] = await query<{ status: string }>(db.url, `SELECT status FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 AND listener = 'PaymentListeners.broken'`, [remaining.eventId]);
    expect(record.status).toBe('delivered');
    expect((await app.monitor.snapshot()).deadLetters).toBe(0);
  });

  it('counts a listener that outlives the listener timeout as a failed attempt and calls it again', async () => {
    const event = failedEvent();

    await commitOutboxRows(db.url, [outboxRow(event)]);
    await recorder.until(() => attemptsOf('PaymentListeners.slow', event.eventId).length === 2);
    await app.relay.settled();

    const [record] = await query<{ status: string; attempts: number; last_error: string }>(
      db.url,
      `SELECT status, attempts, last_error FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 AND listener = 'PaymentListeners.slow'`,
      [event.eventId],
    );
    expect(record).toEqual({ status: 'delivered', attempts: 2, last_error: expect.stringContaining('the listener did not settle within 1000 ms') });
  });
});
