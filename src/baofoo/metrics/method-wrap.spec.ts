import { wrapMethod } from './method-wrap.ts';

class Service {
  calls: number[] = [];
  async work(n: number): Promise<number> {
    this.calls.push(n);
    return n * 2;
  }
}

describe('wrapMethod', () => {
  it('observes one instance’s calls with their arguments and result, leaving the class and other instances alone', async () => {
    const observed = new Service();
    const other = new Service();
    const seen: unknown[] = [];
    expect(wrapMethod(observed, 'work', async (args, call) => {
      const result = await call();
      seen.push([args, result]);
      return result;
    })).toBe(true);
    await expect(observed.work(3)).resolves.toBe(6);
    await expect(other.work(4)).resolves.toBe(8);
    expect(seen).toEqual([[[3], 6]]);
    expect(observed.calls).toEqual([3]);
    expect(Object.hasOwn(other, 'work')).toBe(false);
  });

  it('keeps a synchronous method synchronous', () => {
    const counter = { seen: 0, answer: (n: number) => n + 1 };
    expect(wrapMethod(counter, 'answer', (_args, call) => {
      counter.seen += 1;
      return call();
    })).toBe(true);
    expect(counter.answer(1)).toBe(2);
    expect(counter.seen).toBe(1);
  });

  it('changes nothing and says so when the method is not there', () => {
    const s = new Service();
    expect(wrapMethod(s, 'renamed', async (_a, call) => call())).toBe(false);
    expect(Object.hasOwn(s, 'renamed')).toBe(false);
  });
});
