import { describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClaimedEvent } from './outbox-store.ts';
import type { LocalRelay } from './outbox-reservation.ts';
import { baofooEvent, outboxRow, type OutboxRow } from './outbox-row.ts';
import { OutboxSignal } from './outbox-signal.ts';

/** A relay with `free` slots that records what the writers hand it. */
function relayWith(free: number, onAdopt: (events: readonly ClaimedEvent[]) => void = () => undefined) {
  const state = { free, adopted: [] as ClaimedEvent[], wakes: 0 };
  const relay: LocalRelay = {
    wake: () => (state.wakes += 1),
    reserve: (count) => {
      const granted = Math.min(count, state.free);
      state.free -= granted;
      return granted;
    },
    adopt: (events) => {
      state.free += events.length;
      state.adopted.push(...events);
      onAdopt(events);
    },
    giveBack: (count) => (state.free += count),
    leaseMs: 5000,
  };
  return { relay, state };
}

/** A fast-path event: the order id is not known before the statement (the UPDATE fills it). */
function row(transId: string): OutboxRow {
  const event = baofooEvent('baofoo.payment.succeeded', {
    orderId: null as unknown as string,
    transId,
    memberId: '100000178',
    terminalId: '10000001',
    orderMoney: 100,
    factMoney: 100,
    status: 'PAID',
    previousStatus: 'PENDING',
    source: 'notification',
    resultDesc: '01',
    succTime: '20251125120000',
    late: false,
    partial: false,
    shortfall: 0,
    reason: null,
  });
  return outboxRow(event);
}

const signalOf = (relay?: LocalRelay) => {
  const signal = new OutboxSignal({ query: async () => [] } as never, { minClaimGapMs: 20 });
  if (relay) signal.attach(relay);
  return signal;
};

describe('OutboxReservation (claim at birth)', () => {
  it('reserves nothing without a relay in this process, or when it has no slot free', () => {
    expect(signalOf().reserve(1)).toBeNull();
    expect(signalOf(relayWith(0).relay).reserve(1)).toBeNull();
    expect(signalOf(relayWith(3).relay).reserve(0)).toBeNull();
  });

  it('leases as many rows as slots were granted, hands the committed ones over as first claims, and gives back the rest', () => {
    const { relay, state } = relayWith(1);
    const births = signalOf(relay).reserve(2)!;
    const [a, b] = [row('T1'), row('T2')];

    const written = births.lease([a, b]);
    expect(written.map((r) => r.lease_ms)).toEqual([5000, undefined]);
    expect(written[0].payload).toBe(a.payload);

    expect(births.committed([{ outbox_id: '41', event_id: a.event_id, order_id: '9' }, { outbox_id: '42', event_id: b.event_id, order_id: '9' }])).toBe(1);
    expect(state.adopted).toEqual([
      expect.objectContaining({ id: '41', eventId: a.event_id, type: 'baofoo.payment.succeeded', claims: 1, payload: expect.objectContaining({ orderId: '9', transId: 'T1', eventId: a.event_id }) }),
    ]);
    expect(state.adopted[0].ageMs).toBeGreaterThanOrEqual(0);
    expect(state.free).toBe(1);
  });

  it('gives every slot back when the leased rows were not inserted or the statement failed, once', () => {
    const { relay, state } = relayWith(4);
    const signal = signalOf(relay);
    const dropped = signal.reserve(2)!;
    dropped.lease([row('T3'), row('T4')]);
    expect(state.free).toBe(2);
    expect(dropped.committed([])).toBe(0);
    expect(state.free).toBe(4);

    const failed = signal.reserve(3)!;
    failed.lease([row('T5')]);
    failed.failed();
    failed.failed();
    expect(failed.committed([])).toBe(0);
    expect(state.free).toBe(4);
    expect(state.adopted).toEqual([]);
  });

  it('hands events over outside the committing caller’s async context, so their delivery does not inherit its deadline', () => {
    const deadline = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const { relay } = relayWith(1, () => seen.push(deadline.getStore()));
    const births = signalOf(relay).reserve(1)!;
    const [leased] = births.lease([row('T6')]);

    deadline.run('request deadline', () => births.committed([{ outbox_id: '1', event_id: leased.event_id, order_id: '2' }]));

    expect(seen).toEqual([undefined]);
  });
});
