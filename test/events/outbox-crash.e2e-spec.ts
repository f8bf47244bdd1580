import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { DeliveryRecorder } from './delivery-recorder.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { commitOutboxRows, query, rowsOf, startOutboxApp, type OutboxApp } from './outbox-test-app.ts';
import { APP_NAME, RECORDER, recorderProviders } from './recording-listeners.ts';

/** Holds every call until the test opens the gate: a relay stuck between its claim and the end of delivery. */
class Gate {
  private waiting: (() => void)[] = [];
  constructor(private opened = false) {}
  wait(): Promise<void> {
    return this.opened ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
  open(): void {
    this.opened = true;
    for (const release of this.waiting.splice(0)) release();
  }
}

const GATE = Symbol('GATE');

@Injectable()
class GatedListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
    @Inject(GATE) private readonly gate: Gate,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded')
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
    await this.gate.wait();
  }
}

describe('the outbox after a process died', () => {
  const pollIntervalMs = 250;
  let db: TestDatabase;
  const apps: OutboxApp[] = [];
  const gates: Gate[] = [];
  let log: CapturedLog;
  const children: ChildProcess[] = [];

  async function start(recorder: DeliveryRecorder, name: string, gate: Gate): Promise<OutboxApp> {
    gates.push(gate);
    const app = await startOutboxApp(db.url, {
      providers: [...recorderProviders(recorder, name), { provide: GATE, useValue: gate }, GatedListener],
      outbox: { pollIntervalMs },
      tuning: { shutdownGraceMs: 20 },
      log,
    });
    apps.push(app);
    return app;
  }

  const open = () => new Gate(true);

  async function startCrashSurvivor(recorder: DeliveryRecorder): Promise<OutboxApp> {
    const app = await startOutboxApp(db.url, { providers: [...recorderProviders(recorder, 'survivor'), SurvivorFast, SurvivorSlow], outbox: { pollIntervalMs }, log });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  beforeEach(() => {
    log = new CapturedLog();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const gate of gates.splice(0)) gate.open();
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('delivers every event committed while no relay ran as soon as one starts, within two poll intervals', async () => {
    const rows = rowsOf(50);
    await commitOutboxRows(db.url, rows, { notify: false });
    const recorder = new DeliveryRecorder();

    await start(recorder, 'restarted', open());
    const restarted = Date.now();
    await recorder.until(() => recorder.eventIds('GatedListener.onPaid').size === rows.length, 5000);

    expect(Date.now() - restarted).toBeLessThan(2 * pollIntervalMs);
    expect(recorder.eventIds('GatedListener.onPaid')).toEqual(new Set(rows.map((r) => r.event_id)));
  });

  it('hands the events a stopping relay abandoned to another instance within two poll intervals, with nothing of the abandoned calls on record', async () => {
    const recorder = new DeliveryRecorder();
    const stuck = new Gate();
    const dying = await start(recorder, 'dying', stuck);
    const rows = rowsOf(5);
    await commitOutboxRows(db.url, rows);
    await recorder.until(() => recorder.calls.filter((c) => c.app === 'dying').length === rows.length);
    // The survivor runs meanwhile and finds every row locked by the dying relay's pass.
    const survivor = await start(recorder, 'survivor', open());
    await survivor.relay.whenListening();

    await dying.close();
    const died = Date.now();
    await recorder.until(() => recorder.calls.filter((c) => c.app === 'survivor').length === rows.length, 5000);

    expect(Date.now() - died).toBeLessThan(2 * pollIntervalMs);
    expect(new Set(recorder.calls.filter((c) => c.app === 'survivor').map((c) => c.eventId))).toEqual(new Set(rows.map((r) => r.event_id)));
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringMatching(/abandoning them, their events will be delivered again/) }));
    await survivor.relay.settled();
    await survivor.relay.stop();
    const records = await query<{ attempts: number; n: number }>(db.url, `SELECT attempts, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} WHERE status = 'delivered' AND event_id = ANY($1::uuid[]) GROUP BY attempts`,
      [rows.map((r) => r.event_id)],
    );
    // The dead pass was rolled back: the survivor's delivery is the first attempt on record.
    expect(records).toEqual([{ attempts: 1, n: rows.length }]);
    const pending = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL');
    expect(pending).toEqual([{ n: 0 }]);
  });

  it('after a process killed with SIGKILL mid-delivery, repeats only the listener calls not yet on record, within a lease of its last renewal', async () => {
    // The child's hanging listener outlives many leases: only the heartbeat keeps its claims while it lives.
    const leaseMs = 1500;
    const rows = rowsOf(5);
    const eventIds = rows.map((r) => r.event_id);
    const recorder = new DeliveryRecorder();
    await commitOutboxRows(db.url, rows);
    const child = spawn(process.execPath, ['--import', new URL('./child/swc-register.mjs', import.meta.url).href, fileURLToPath(new URL('./child/relay-child.ts', import.meta.url))], {
      env: { ...process.env, DATABASE_URL: db.url, POLL_INTERVAL_MS: String(pollIntervalMs), LISTENER_TIMEOUT_MS: '60000', LEASE_MS: String(leaseMs) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const holding = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { holding?: string }) => {
        if (m.holding) holding.add(m.holding);
        if (holding.size === rows.length) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the child relay exited (${code}) before claiming: ${stderr.join('')}`)));
    });
    const leaseEnd = async () =>
      (await query<{ at: Date }>(db.url, `SELECT max(next_attempt_at) AS at FROM baofoo_outbox WHERE event_id = ANY($1::uuid[])`, [eventIds]))[0].at.getTime();
    // The fast listener's outcomes are on record before the process dies; the hanging one's never are.
    const recorded = async () => query<{ listener: string; status: string; attempts: number; n: number }>(db.url,
      `SELECT listener, status, attempts, count(*)::int AS n FROM ${DELIVERY_OUTCOMES} WHERE event_id = ANY($1::uuid[]) GROUP BY listener, status, attempts ORDER BY listener`,
      [eventIds],
    );
    for (let polls = 0; (await recorded()).length === 0; polls++) if (polls > 500) throw new Error('the fast listener was never recorded');
    expect(await recorded()).toEqual([{ listener: 'crash.fast', status: 'delivered', attempts: 1, n: rows.length }]);
    // Another relay polls every 250 ms while the child holds its events a whole lease past the first one's end (renewed).
    const survivor = await startCrashSurvivor(recorder);
    const firstLeaseEnd = await leaseEnd();
    for (let polls = 0; (await leaseEnd()) < firstLeaseEnd + leaseMs; polls++) if (polls > 5000) throw new Error('the child did not renew its leases');
    expect(recorder.calls).toEqual([]);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = Date.now();
    const lastLeaseEnd = await leaseEnd();

    await recorder.until(() => recorder.calls.length === rows.length, leaseMs + 10_000);
    const deliveredAt = Date.now();
    process.stdout.write(`crashed relay's events back ${deliveredAt - killedAt} ms after SIGKILL (lease ${leaseMs} ms, ${deliveredAt - lastLeaseEnd} ms after its last renewal ran out)\n`);

    // Nothing came back before the last renewed lease ran out, then within a few poll intervals, not a long lease.
    expect(deliveredAt).toBeGreaterThanOrEqual(lastLeaseEnd - 50);
    expect(deliveredAt - killedAt).toBeLessThan(leaseMs + 4 * pollIntervalMs + 2000);
    expect(recorder.calls.map((c) => c.listener)).toEqual(rows.map(() => 'crash.slow'));
    expect(new Set(recorder.calls.map((c) => c.eventId))).toEqual(holding);
    await survivor.relay.settled();
    expect(await recorded()).toEqual([
      { listener: 'crash.fast', status: 'delivered', attempts: 1, n: rows.length },
      { listener: 'crash.slow', status: 'delivered', attempts: 1, n: rows.length },
    ]);
  }, 30_000);
});

@Injectable()
class SurvivorFast {
  constructor(@Inject(RECORDER) private readonly recorder: DeliveryRecorder) {}
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'crash.fast' })
  onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): void {
    this.recorder.record({ app: 'survivor', listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
  }
}

@Injectable()
class SurvivorSlow {
  constructor(@Inject(RECORDER) private readonly recorder: DeliveryRecorder) {}
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'crash.slow' })
  onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): void {
    this.recorder.record({ app: 'survivor', listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
  }
}
