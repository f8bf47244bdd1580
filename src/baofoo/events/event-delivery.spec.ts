import { describe, expect, it } from '@jest/globals';
import type { DeliveryState } from './delivery-plan.ts';
import { EventDelivery, type DeliveryStore, type QueuedFinish } from './event-delivery.ts';
import type { RegisteredListener } from './event-listener-registry.service.ts';
import type { ClaimedEvent, EventDeliveryWrite, FinishedEvent } from './outbox-store.ts';
import type { OutboxRow } from './outbox-row.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.ts';

type Write = { op: 'record'; write: EventDeliveryWrite } | { op: 'deadLetter'; write: EventDeliveryWrite; report: readonly OutboxRow[] } | { op: 'finish'; event: FinishedEvent };

/** Keeps every write in the order it was made. */
class FakeStore implements DeliveryStore {
  readonly writes: Write[] = [];

  async record(write: EventDeliveryWrite): Promise<void> {
    this.writes.push({ op: 'record', write });
  }

  async deadLetter(write: EventDeliveryWrite, report: readonly OutboxRow[]): Promise<void> {
    this.writes.push({ op: 'deadLetter', write, report });
  }

  /** What the finish's write does; written at once unless a test says otherwise. */
  written: Promise<void> = Promise.resolve();

  async finish(event: FinishedEvent): Promise<QueuedFinish> {
    this.writes.push({ op: 'finish', event });
    return { written: this.written };
  }
}

const SETTINGS: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, attempts: 3, timeoutMs: 5000 };

function listener(id: string, invoke: () => Promise<unknown> = async () => undefined, delivery: Partial<DeliverySettings> = {}): RegisteredListener {
  return { id, events: ['baofoo.payment.succeeded'], invoke, delivery: { ...SETTINGS, ...delivery } };
}

function claimed(claims = 1): ClaimedEvent {
  return {
    id: '7',
    eventId: '00000000-0000-4000-8000-000000000007',
    type: 'baofoo.payment.succeeded',
    payload: { eventId: '00000000-0000-4000-8000-000000000007', type: 'baofoo.payment.succeeded', orderId: '1', transId: 'T1', orderMoney: 100 },
    claims,
    ageMs: 5,
  };
}

function setup(listeners: RegisteredListener[], o: { abort?: AbortController } = {}) {
  const store = new FakeStore();
  const emitted: string[] = [];
  const logged: string[] = [];
  const delivery = new EventDelivery({
    listenersFor: () => listeners,
    store,
    signal: (o.abort ?? new AbortController()).signal,
    firstLag: () => undefined,
    emitter: { emit: (type) => emitted.push(type) },
    logger: { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) },
  });
  return { store, delivery, emitted, logged };
}

const noRecords = new Map<string, DeliveryState>();

describe('EventDelivery', () => {
  it('sends the last successful outcome with the finish as a first try (no record), the others on their own before it', async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const { store, delivery, emitted } = setup([listener('fast'), listener('slow', () => slow)]);

    const delivering = delivery.deliver(claimed(), noRecords, performance.now());
    await new Promise((resolve) => setImmediate(resolve));
    releaseSlow();

    await expect(delivering).resolves.toMatchObject({ end: 'delivered' });
    expect(store.writes).toEqual([
      { op: 'record', write: expect.objectContaining({ listener: 'fast', status: 'delivered', attempts: 1 }) },
      {
        op: 'finish',
        event: {
          id: '7',
          claims: 1,
          done: true,
          deliveries: [],
          firstTry: expect.objectContaining({ listener: 'slow', status: 'delivered', attempts: 1, eventId: claimed().eventId, eventType: 'baofoo.payment.succeeded' }),
        },
      },
    ]);
    expect(emitted).toEqual(['baofoo.payment.succeeded']);
  });

  // A replayed dead letter starts again at attempt 1, but its row must turn delivered.
  it.each([
    ['a success after a failure', 1, 2],
    ['a replayed dead letter that succeeds at its fresh first attempt', 0, 1],
  ])('finishes %s with its record, never as a first try', async (_, recordedAttempts, attempt) => {
    const { store, delivery } = setup([listener('recovers')]);
    const states = new Map<string, DeliveryState>([['recovers', { listener: 'recovers', status: 'failed', attempts: recordedAttempts, due: true }]]);

    await expect(delivery.deliver(claimed(2), states, performance.now())).resolves.toMatchObject({ end: 'delivered' });

    expect(store.writes).toEqual([
      { op: 'finish', event: { id: '7', claims: 2, done: true, deliveries: [expect.objectContaining({ listener: 'recovers', status: 'delivered', attempts: attempt })], firstTry: null } },
    ]);
  });

  it('records a failure before the finish, which leaves the event in the queue, and writes the success that would be held first', async () => {
    const { store, delivery, logged } = setup([
      listener('a-fails', async () => {
        throw new Error('ledger down');
      }),
      listener('b-works'),
    ]);

    await expect(delivery.deliver(claimed(), noRecords, performance.now())).resolves.toMatchObject({ end: 'unfinished' });

    const ops = store.writes.map((w) => w.op);
    expect(ops.at(-1)).toBe('finish');
    expect(store.writes.filter((w) => w.op === 'record').map((w) => w.write)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ listener: 'a-fails', status: 'failed', attempts: 1, lastError: expect.stringContaining('ledger down'), delayMs: expect.any(Number) }),
        expect.objectContaining({ listener: 'b-works', status: 'delivered' }),
      ]),
    );
    expect(store.writes.at(-1)).toEqual({ op: 'finish', event: { id: '7', claims: 1, done: false, deliveries: [], firstTry: null } });
    expect(logged).toEqual([expect.stringContaining('listener a-fails failed on event')]);
  });

  it('dead-letters a listener at its last attempt together with its report event, and finishes the event', async () => {
    const { store, delivery, emitted, logged } = setup(
      [
        listener(
          'gives-up',
          async () => {
            throw new Error('still down');
          },
          { attempts: 2 },
        ),
      ],
    );
    const states = new Map<string, DeliveryState>([['gives-up', { listener: 'gives-up', status: 'failed', attempts: 1, due: true }]]);

    await expect(delivery.deliver(claimed(2), states, performance.now())).resolves.toMatchObject({ end: 'delivered' });

    expect(store.writes).toHaveLength(2);
    const [dead, finish] = store.writes;
    expect(dead).toMatchObject({ op: 'deadLetter', write: { listener: 'gives-up', status: 'dead', attempts: 2 } });
    const report = (dead as Extract<Write, { op: 'deadLetter' }>).report;
    expect(report).toHaveLength(1);
    expect(report[0].type).toBe('baofoo.delivery.dead_lettered');
    expect(report[0].payload).toMatchObject({ orderId: '1', transId: 'T1', deadLetter: { eventId: claimed().eventId, listener: 'gives-up', attempts: 2 } });
    expect(finish).toEqual({ op: 'finish', event: { id: '7', claims: 2, done: true, deliveries: [], firstTry: null } });
    // A retry is not told to fire-and-forget subscribers again.
    expect(emitted).toEqual([]);
    expect(logged).toEqual([expect.stringContaining('listener gives-up gave up on event')]);
  });

  it('settles each listener by its own attempts, backoff and timeout', async () => {
    const down = async () => {
      throw new Error('down');
    };
    const { store, delivery } = setup([
      listener('short', down, { attempts: 2 }),
      listener('patient', down, { attempts: 5, backoff: { baseMs: 100, factor: 4, maxMs: 60_000, jitter: 0 } }),
      listener('hangs', () => new Promise(() => undefined), { attempts: 5, timeoutMs: 20, backoff: { baseMs: 7, factor: 1, maxMs: 7, jitter: 0 } }),
    ]);
    const failedOnce = (listener: string): [string, DeliveryState] => [listener, { listener, status: 'failed', attempts: 1, due: true }];
    const states = new Map<string, DeliveryState>(['short', 'patient', 'hangs'].map(failedOnce));

    await delivery.deliver(claimed(2), states, performance.now());

    const writes = store.writes.flatMap((w) => (w.op === 'record' || w.op === 'deadLetter' ? [w.write] : []));
    expect(writes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ listener: 'short', status: 'dead', attempts: 2 }),
        expect.objectContaining({ listener: 'patient', status: 'failed', attempts: 2, delayMs: 400 }),
        expect.objectContaining({ listener: 'hangs', status: 'failed', attempts: 2, delayMs: 7, lastError: expect.stringContaining('did not settle within 20 ms') }),
      ]),
    );
  });

  it('reports no dead letter of a dead-letter event (no report loop)', async () => {
    const { store, delivery } = setup(
      [
        listener(
          'ops',
          async () => {
            throw new Error('no');
          },
          { attempts: 1 },
        ),
      ],
    );

    await delivery.deliver({ ...claimed(), type: 'baofoo.delivery.dead_lettered' }, noRecords, performance.now());

    expect(store.writes[0]).toMatchObject({ op: 'deadLetter', report: [] });
  });

  it('hands an aborted delivery back: outcomes settled before the stop are recorded, nothing finishes', async () => {
    const abort = new AbortController();
    const { store, delivery, emitted } = setup([listener('done-before'), listener('hangs', () => new Promise(() => undefined))], { abort });

    const delivering = delivery.deliver(claimed(), noRecords, performance.now());
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();

    await expect(delivering).resolves.toMatchObject({ end: 'abandoned' });
    expect(store.writes).toEqual([{ op: 'record', write: expect.objectContaining({ listener: 'done-before', status: 'delivered' }) }]);
    expect(emitted).toEqual([]);
  });

  it('ends once its finish is queued, handing over the write instead of waiting for it', async () => {
    const { store, delivery } = setup([listener('only')]);
    let write!: () => void;
    store.written = new Promise<void>((resolve) => (write = resolve));

    const result = await delivery.deliver(claimed(), noRecords, performance.now());

    expect(result.end).toBe('delivered');
    expect(store.writes.map((w) => w.op)).toEqual(['finish']);
    let written = false;
    void result.written.then(() => (written = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    write();
    await result.written;
  });
});
