import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { commitOutboxRows, paidEvent, query, startOutboxApp, until, type OutboxApp } from './outbox-test-app.ts';

type PaidEvent = BaofooEventMap['baofoo.payment.succeeded'];

/** What each listener does with an event: fail its first `fail` calls, or hang on its first `hang` calls; else succeed. */
type Plan = Partial<Record<string, { fail?: number; hang?: number }>>;

/** One call, with the wait the relay scheduled after the previous attempt as the delivery record holds it (null on attempt 1). */
interface Call {
  listener: string;
  eventId: string;
  attempt: number;
  scheduledGapMs: number | null;
}

const PLANS = Symbol('PLANS');
const CALLS = Symbol('CALLS');
const POOL = Symbol('POOL');

@Injectable()
class Fulfilment {
  constructor(
    @Inject(PLANS) private readonly plans: Map<string, Plan>,
    @Inject(CALLS) private readonly calls: Call[],
    @Inject(POOL) private readonly pool: pg.Pool,
  ) {}

  /** Records the call with its delivery record's next_attempt_at − last_attempt_at, then does what the event's plan says. */
  private async act(event: PaidEvent, context: BaofooDeliveryContext): Promise<void> {
    const { rows } = await this.pool.query<{ gap: number }>(
      `SELECT (extract(epoch FROM next_attempt_at - last_attempt_at) * 1000)::float8 AS gap FROM baofoo_event_deliveries WHERE event_id = $1 AND listener = $2`,
      [event.eventId, context.listener],
    );
    this.calls.push({ listener: context.listener, eventId: event.eventId, attempt: context.attempt, scheduledGapMs: rows[0]?.gap ?? null });
    const plan = this.plans.get(event.eventId)?.[context.listener] ?? {};
    if (context.attempt <= (plan.hang ?? 0)) return new Promise<void>(() => undefined);
    if (context.attempt <= (plan.fail ?? 0)) throw new Error(`planned failure ${context.attempt}`);
  }

  @OnBaofooEvent('baofoo.payment.succeeded', { attempts: 2, backoff: { baseMs: 30, factor: 1, maxMs: 30, jitter: 0 } })
  twoAttempts(event: PaidEvent, context: BaofooDeliveryContext): Promise<void> {
    return this.act(event, context);
  }

  @OnBaofooEvent('baofoo.payment.succeeded', { attempts: 4, backoff: { baseMs: 40, factor: 3, maxMs: 1000, jitter: 0 } })
  patient(event: PaidEvent, context: BaofooDeliveryContext): Promise<void> {
    return this.act(event, context);
  }

  @OnBaofooEvent('baofoo.payment.succeeded', { timeoutMs: 150, backoff: { baseMs: 10, maxMs: 10 } })
  quick(event: PaidEvent, context: BaofooDeliveryContext): Promise<void> {
    return this.act(event, context);
  }

  @OnBaofooEvent('baofoo.payment.succeeded')
  moduleDefaults(event: PaidEvent, context: BaofooDeliveryContext): Promise<void> {
    return this.act(event, context);
  }
}

describe('per-listener delivery settings (attempts, backoff, timeout) over the module defaults, with real deliveries', () => {
  let db: TestDatabase;
  let app: OutboxApp;
  let pool: pg.Pool;
  const plans = new Map<string, Plan>();
  const calls: Call[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    app = await startOutboxApp(db.url, {
      providers: [{ provide: PLANS, useValue: plans }, { provide: CALLS, useValue: calls }, { provide: POOL, useValue: pool }, Fulfilment],
      // The module's defaults: a listener that sets nothing gets these. Its timeout is far beyond any test's.
      outbox: { pollIntervalMs: 50, delivery: { attempts: 3, backoff: { baseMs: 25, factor: 2, maxMs: 1000, jitter: 0 }, timeoutMs: 120_000 } },
    });
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  /** Commits an event with a plan, and resolves once every listener's record of it is final (delivered or dead). */
  async function deliver(plan: Plan): Promise<PaidEvent> {
    const event = paidEvent();
    plans.set(event.eventId, plan);
    await commitOutboxRows(db.url, [outboxRow(event)]);
    await until(
      async () => (await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 AND status IN ('delivered', 'dead')`, [event.eventId]))[0].n === 4,
      30_000,
      `the final records of event ${event.eventId}`,
    );
    return event;
  }

  const callsOf = (event: PaidEvent, listener: string) => calls.filter((c) => c.eventId === event.eventId && c.listener === `Fulfilment.${listener}`);
  const recordOf = async (event: PaidEvent, listener: string) =>
    (await query<{ status: string; attempts: number; last_error: string | null }>(db.url, `SELECT status, attempts, last_error FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 AND listener = $2`, [event.eventId, `Fulfilment.${listener}`]))[0];

  it('dead-letters a listener with attempts: 2 after its second failure, while the module allows 3', async () => {
    const event = await deliver({ 'Fulfilment.twoAttempts': { fail: Infinity } });

    expect(callsOf(event, 'twoAttempts').map((c) => [c.attempt, c.scheduledGapMs])).toEqual([
      [1, null],
      [2, 30],
    ]);
    expect(await recordOf(event, 'twoAttempts')).toMatchObject({ status: 'dead', attempts: 2, last_error: expect.stringContaining('planned failure 2') });
    expect(callsOf(event, 'patient').map((c) => c.attempt)).toEqual([1]);
  });

  it("schedules each retry by the listener's own backoff: 40, 120, 360 ms after the attempt recorded", async () => {
    const event = await deliver({ 'Fulfilment.patient': { fail: 3 } });

    expect(callsOf(event, 'patient').map((c) => [c.attempt, c.scheduledGapMs])).toEqual([
      [1, null],
      [2, 40],
      [3, 120],
      [4, 360],
    ]);
    expect(await recordOf(event, 'patient')).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it("gives a listener that sets nothing the module's attempts and backoff: dead after 3, 25 then 50 ms apart", async () => {
    const event = await deliver({ 'Fulfilment.moduleDefaults': { fail: Infinity } });

    expect(callsOf(event, 'moduleDefaults').map((c) => [c.attempt, c.scheduledGapMs])).toEqual([
      [1, null],
      [2, 25],
      [3, 50],
    ]);
    expect(await recordOf(event, 'moduleDefaults')).toMatchObject({ status: 'dead', attempts: 3 });
  });

  it("times out a hung call after the listener's 150 ms (the module's is 2 minutes) and retries it by its backoff", async () => {
    const event = await deliver({ 'Fulfilment.quick': { hang: 1 } });

    expect(callsOf(event, 'quick').map((c) => [c.attempt, c.scheduledGapMs])).toEqual([
      [1, null],
      [2, 10],
    ]);
    expect(await recordOf(event, 'quick')).toMatchObject({ status: 'delivered', attempts: 2, last_error: expect.stringContaining('did not settle within 150 ms') });
  });
});
