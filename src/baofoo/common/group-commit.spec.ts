import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from './group-commit.ts';

/** A GroupCommit over strings whose statements finish only when the test says so; it notes what ran. */
function harness(limits: { maxBatch: number; maxInFlight: number }, bad = new Set<string>()) {
  const ran: string[][] = [];
  const pending: (() => void)[] = [];
  const held = <V>(value: () => V) => new Promise<V>((resolve, reject) => pending.push(() => {
    try {
      resolve(value());
    } catch (e) {
      reject(e);
    }
  }));
  const check = (items: string[]) => {
    const failing = items.find((i) => bad.has(i));
    if (failing) throw new Error(`bad ${failing}`);
  };
  const commit = new GroupCommit<string, string>(
    (item) => {
      ran.push([item]);
      return held(() => (check([item]), `one:${item}`));
    },
    (items) => {
      ran.push(items);
      return held(() => (check(items), items.map((i) => `many:${i}`)));
    },
    (item) => item.split('#')[0],
    limits,
  );
  /** Lets every statement started so far finish, and what they unblock settle. */
  const finishAll = async () => {
    while (pending.length > 0) {
      pending.splice(0).forEach((f) => f());
      await new Promise<void>((done) => setImmediate(done));
    }
  };
  return { commit, ran, finishAll };
}

describe('GroupCommit', () => {
  it('runs an item that finds a slot free alone, and the items that arrive meanwhile together in the next statement', async () => {
    const { commit, ran, finishAll } = harness({ maxBatch: 10, maxInFlight: 1 });

    const answers = Promise.all(['a', 'b', 'c', 'd'].map((i) => commit.add(i)));
    await finishAll();

    expect(await answers).toEqual(['one:a', 'many:b', 'many:c', 'many:d']);
    expect(ran).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('caps a batch at maxBatch and never puts two items of one key in a batch', async () => {
    const { commit, ran, finishAll } = harness({ maxBatch: 2, maxInFlight: 1 });

    const answers = Promise.all(['a', 'b', 'b#2', 'c', 'd'].map((i) => commit.add(i)));
    await finishAll();
    await answers;

    expect(ran).toEqual([['a'], ['b', 'c'], ['b#2', 'd']]);
  });

  it('retries a failing batch one item at a time: only the bad item fails', async () => {
    const { commit, ran, finishAll } = harness({ maxBatch: 10, maxInFlight: 1 }, new Set(['c']));

    const answers = Promise.allSettled(['a', 'b', 'c', 'd'].map((i) => commit.add(i)));
    await finishAll();

    expect((await answers).map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual(['one:a', 'one:b', 'Error: bad c', 'one:d']);
    expect(ran).toEqual([['a'], ['b', 'c', 'd'], ['b'], ['c'], ['d']]);
  });

  it('runs up to maxInFlight statements at once', async () => {
    const { commit, ran, finishAll } = harness({ maxBatch: 10, maxInFlight: 2 });

    const answers = Promise.all(['a', 'b', 'c', 'd'].map((i) => commit.add(i)));

    expect(ran).toEqual([['a'], ['b']]);
    await finishAll();
    expect(await answers).toEqual(['one:a', 'one:b', 'many:c', 'many:d']);
  });
});
