import { describe, expect, it } from '@jest/globals';
import type { DeliveryEnd, DeliveryResult } from './event-delivery.ts';
import { OutboxClaimer, type ClaimStore } from './outbox-claimer.ts';
import type { ClaimedEvent, EventClaim } from './outbox-store.ts';

function event(id: string, claims = 1): ClaimedEvent {
  return { id, claims, eventId: `e-${id}`, type: 'baofoo.payment.succeeded', payload: {}, ageMs: 0 };
}

/** A claimer over a queue of due events; deliveries end when the test says so. */
function claimerOver(due: ClaimedEvent[], concurrency = 4) {
  const limits: number[] = [];
  const released: EventClaim[][] = [];
  const delivered: ClaimedEvent[] = [];
  const loaded: string[][] = [];
  const held: string[] = [];
  const ends = new Map<string, (result: DeliveryResult) => void>();
  const warned: string[] = [];
  const refills: number[] = [];
  const store: ClaimStore = {
    claim: async (limit) => {
      limits.push(limit);
      return due.splice(0, limit);
    },
    loadStates: async (ids) => {
      loaded.push([...ids]);
      return new Map();
    },
    release: async (claims) => {
      released.push([...claims]);
    },
  };
  const claimer = new OutboxClaimer({
    store,
    limits: { batchSize: 10, concurrency, pollIntervalMs: 1000 },
    deliver: (e) => {
      delivered.push(e);
      return new Promise<DeliveryResult>((resolve) => ends.set(e.id, resolve));
    },
    leases: { hold: (c) => held.push(c.id), drop: () => undefined },
    refill: () => refills.push(1),
    logger: { log: () => undefined, warn: (m: string) => warned.push(m) },
  });
  /** Ends a delivery, its finish queued with the given write (written at once by default). */
  const end = (id: string, written: Promise<void> = Promise.resolve(), how: DeliveryEnd = 'delivered') => ends.get(id)!({ end: how, written });
  return { claimer, limits, released, delivered, loaded, held, warned, refills, end };
}

describe('OutboxClaimer reservations (claim at birth)', () => {
  it('grants only the slots neither in flight nor reserved, and none once stopped', async () => {
    const { claimer } = claimerOver([event('1')]);
    await claimer.pass();

    expect(claimer.reserve(2)).toBe(2);
    expect(claimer.reserve(2)).toBe(1);
    expect(claimer.reserve(1)).toBe(0);
    claimer.giveBack(3);
    // Every slot given back is free again: all but the one in flight.
    expect(claimer.reserve(4)).toBe(3);
    claimer.giveBack(3);
    claimer.stop();
    expect(claimer.reserve(1)).toBe(0);
  });

  it('claims only the slots left by deliveries and reservations, and no statement when none is left', async () => {
    const { claimer, limits } = claimerOver([event('1'), event('2'), event('3'), event('4'), event('5')]);
    expect(claimer.reserve(3)).toBe(3);

    await claimer.pass();
    expect(limits).toEqual([1]);

    await claimer.pass();
    expect(limits).toEqual([1]);

    claimer.giveBack(3);
    await claimer.pass();
    expect(limits).toEqual([1, 3]);
    expect(claimer.deliveries).toBe(4);
  });

  it('grants no slot while events may be waiting in the queue (the last claim took all it could), until a claim leaves some slot unused', async () => {
    const { claimer, limits, end } = claimerOver([event('1'), event('2'), event('3')], 2);
    await claimer.pass();
    expect(claimer.reserve(1)).toBe(0);

    end('1');
    end('2');
    await claimer.settled();
    expect(claimer.reserve(1)).toBe(0);

    await claimer.pass();
    expect(limits).toEqual([2, 2]);
    expect(claimer.reserve(1)).toBe(1);
  });

  it('delivers an adopted event as a first claim, holding its lease, with no claim and no records to load; it then frees its slot', async () => {
    const { claimer, limits, delivered, loaded, held, end } = claimerOver([], 2);
    expect(claimer.reserve(2)).toBe(2);

    claimer.adopt([event('7')]);
    claimer.giveBack(1);

    expect(delivered.map((e) => [e.id, e.claims])).toEqual([['7', 1]]);
    expect(held).toEqual(['7']);
    expect(limits).toEqual([]);
    expect(loaded).toEqual([]);
    // The adopted event's slot is in flight, the other given back: one free.
    expect(claimer.reserve(2)).toBe(1);
    claimer.giveBack(1);

    end('7');
    await claimer.settled();
    expect(claimer.deliveredCount).toBe(1);
    expect(claimer.reserve(2)).toBe(2);
  });

  it('does not deliver twice an adopted event its own claim already took (the lease ran out before the commit), and frees its reservation', async () => {
    const { claimer, delivered, limits } = claimerOver([event('7', 2)], 2);
    expect(claimer.reserve(1)).toBe(1);
    await claimer.pass();

    claimer.adopt([event('7')]);

    expect(delivered.map((e) => [e.id, e.claims])).toEqual([['7', 2]]);
    expect(claimer.deliveries).toBe(1);
    // The reservation is spent: the next claim asks for the one slot the delivery leaves.
    await claimer.pass();
    expect(limits).toEqual([1, 1]);
  });

  it('hands back, instead of delivering, events adopted after it stopped', async () => {
    const { claimer, delivered, released } = claimerOver([]);
    expect(claimer.reserve(2)).toBe(2);
    claimer.stop();

    claimer.adopt([event('8'), event('9')]);
    await claimer.settled();

    expect(delivered).toEqual([]);
    expect(released.map((r) => r.map((c) => c.id))).toEqual([['8', '9']]);
  });
});

describe('OutboxClaimer delivery slots', () => {
  /** A finish write the test completes or fails. */
  function pendingWrite() {
    let write!: () => void;
    let fail!: (e: Error) => void;
    const written = new Promise<void>((resolve, reject) => {
      write = resolve;
      fail = reject;
    });
    return { written, write, fail };
  }

  it('frees a slot once the finish is queued, while settled() still waits for the finish to be written', async () => {
    const { claimer, limits, end } = claimerOver([event('1'), event('2'), event('3')], 2);
    await claimer.pass();
    expect(claimer.deliveries).toBe(2);
    const finish = pendingWrite();

    end('1', finish.written);
    await new Promise((resolve) => setImmediate(resolve));

    expect(claimer.deliveries).toBe(1);
    await claimer.pass();
    expect(limits).toEqual([2, 1]);
    end('2');
    end('3');
    let settled = false;
    const settling = claimer.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(claimer.deliveredCount).toBe(2);

    finish.write();
    await settling;
    expect(claimer.deliveredCount).toBe(3);
  });

  it('counts no delivery whose finish failed, and warns once for the outage', async () => {
    const { claimer, warned, end } = claimerOver([event('1'), event('2')], 2);
    await claimer.pass();
    const first = pendingWrite();
    const second = pendingWrite();

    end('1', first.written);
    end('2', second.written);
    first.fail(new Error('database gone'));
    second.fail(new Error('database gone'));
    await claimer.settled();

    expect(claimer.deliveries).toBe(0);
    expect(claimer.deliveredCount).toBe(0);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('could not record the delivery of event e-1');
  });

  it('asks for a refill when half the slots are free after a claim that took all it could, without waiting for the finishes', async () => {
    const { claimer, refills, end } = claimerOver([event('1'), event('2'), event('3'), event('4'), event('5')], 4);
    await claimer.pass();

    end('1', pendingWrite().written);
    await new Promise((resolve) => setImmediate(resolve));
    expect(refills).toEqual([]);
    end('2', pendingWrite().written);
    await new Promise((resolve) => setImmediate(resolve));

    expect(refills).toEqual([1]);
  });
});
