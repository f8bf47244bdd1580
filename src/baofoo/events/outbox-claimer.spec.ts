import { describe, expect, it } from '@jest/globals';
import type { DeliveryEnd } from './event-delivery.ts';
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
  const ends = new Map<string, (end: DeliveryEnd) => void>();
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
      return new Promise<DeliveryEnd>((resolve) => ends.set(e.id, resolve));
    },
    leases: { hold: (c) => held.push(c.id), drop: () => undefined },
    refill: () => undefined,
    logger: { log: () => undefined, warn: () => undefined },
  });
  return { claimer, limits, released, delivered, loaded, held, end: (id: string) => ends.get(id)!('delivered') };
}

describe('OutboxClaimer reservations (claim at birth)', () => {
  it('grants only the slots neither in flight nor reserved, and none once stopped', async () => {
    const { claimer } = claimerOver([event('1')]);
    await claimer.pass();

    expect(claimer.reserve(2)).toBe(2);
    expect(claimer.reserve(2)).toBe(1);
    expect(claimer.reserve(1)).toBe(0);
    claimer.giveBack(3);
    claimer.stop();
    expect(claimer.reserve(1)).toBe(0);
    expect(claimer.reservedSlots).toBe(0);
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
    expect(claimer.reservedSlots).toBe(0);
    expect(claimer.reserve(2)).toBe(1);
    claimer.giveBack(1);

    end('7');
    await claimer.settled();
    expect(claimer.deliveredCount).toBe(1);
    expect(claimer.reserve(2)).toBe(2);
  });

  it('does not deliver twice an adopted event its own claim already took (the lease ran out before the commit)', async () => {
    const { claimer, delivered } = claimerOver([event('7', 2)], 2);
    expect(claimer.reserve(1)).toBe(1);
    await claimer.pass();

    claimer.adopt([event('7')]);

    expect(delivered.map((e) => [e.id, e.claims])).toEqual([['7', 2]]);
    expect(claimer.reservedSlots).toBe(0);
    expect(claimer.deliveries).toBe(1);
  });

  it('hands back, instead of delivering, events adopted after it stopped', async () => {
    const { claimer, delivered, released } = claimerOver([]);
    expect(claimer.reserve(2)).toBe(2);
    claimer.stop();

    claimer.adopt([event('8'), event('9')]);
    await claimer.settled();

    expect(delivered).toEqual([]);
    expect(released.map((r) => r.map((c) => c.id))).toEqual([['8', '9']]);
    expect(claimer.reservedSlots).toBe(0);
  });
});
