import { describe, expect, it } from '@jest/globals';
import { planDelivery, settleDelivery, type DeliveryState } from './delivery-plan.ts';

const exact = { baseMs: 100, factor: 2, maxMs: 10_000, jitter: 0 };
const states = (...list: DeliveryState[]) => new Map(list.map((s) => [s.listener, s]));

describe('planDelivery', () => {
  it('runs every listener on the first pass, as attempt 1', () => {
    expect(planDelivery(['a', 'b'], new Map())).toEqual({ due: [{ listener: 'a', attempt: 1 }, { listener: 'b', attempt: 1 }], waiting: false });
  });

  it('never runs again a listener that has the event or gave up on it', () => {
    const plan = planDelivery(['a', 'b', 'c'], states({ listener: 'a', status: 'delivered', attempts: 1, due: false }, { listener: 'b', status: 'dead', attempts: 8, due: false }));

    expect(plan).toEqual({ due: [{ listener: 'c', attempt: 1 }], waiting: false });
  });

  it('retries a failed listener once its backoff is over, counting its attempts on', () => {
    expect(planDelivery(['a'], states({ listener: 'a', status: 'failed', attempts: 3, due: true }))).toEqual({ due: [{ listener: 'a', attempt: 4 }], waiting: false });
  });

  it('leaves a failed listener whose backoff runs on, and says the event is waiting for it', () => {
    expect(planDelivery(['a', 'b'], states({ listener: 'a', status: 'failed', attempts: 1, due: false }))).toEqual({ due: [{ listener: 'b', attempt: 1 }], waiting: true });
  });
});

describe('settleDelivery', () => {
  it('finishes the event when every listener succeeded', () => {
    const settled = settleDelivery({ due: [], waiting: false }, [{ listener: 'a', attempt: 1 }, { listener: 'b', attempt: 2 }], 5, exact);

    expect(settled).toEqual({
      writes: [
        { listener: 'a', status: 'delivered', attempts: 1, lastError: null, delayMs: null },
        { listener: 'b', status: 'delivered', attempts: 2, lastError: null, delayMs: null },
      ],
      done: true,
      deadLettered: [],
    });
  });

  it('schedules a failed listener by the backoff of its attempt and keeps the event open', () => {
    const settled = settleDelivery({ due: [], waiting: false }, [{ listener: 'a', attempt: 1 }, { listener: 'b', attempt: 3, error: 'boom' }], 5, exact);

    expect(settled.writes[1]).toEqual({ listener: 'b', status: 'failed', attempts: 3, lastError: 'boom', delayMs: 400 });
    expect(settled.done).toBe(false);
  });

  it('dead-letters a listener that fails its last allowed attempt, which finishes the event', () => {
    const settled = settleDelivery({ due: [], waiting: false }, [{ listener: 'a', attempt: 5, error: 'still down' }], 5, exact);

    expect(settled.deadLettered).toEqual([{ listener: 'a', status: 'dead', attempts: 5, lastError: 'still down', delayMs: null }]);
    expect(settled.done).toBe(true);
  });

  it('keeps the event open while another listener is still waiting out its backoff', () => {
    expect(settleDelivery({ due: [], waiting: true }, [{ listener: 'a', attempt: 1 }], 5, exact).done).toBe(false);
  });
});
