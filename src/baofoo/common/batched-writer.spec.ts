import { describe, expect, it } from '@jest/globals';
import { BatchedWriter } from './batched-writer.ts';

describe('BatchedWriter', () => {
  it('writes the first item at once and coalesces those that arrive meanwhile into the next write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const writer = new BatchedWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });

    const first = writer.add(1);
    const rest = [writer.add(2), writer.add(3), writer.add(4)];
    release();
    await Promise.all([first, ...rest]);

    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a failed write, and writes later items again', async () => {
    let fail = true;
    const writer = new BatchedWriter<string>(async () => {
      if (fail) throw new Error('database gone');
    });

    await expect(writer.add('a')).rejects.toThrow('database gone');
    fail = false;
    await expect(writer.add('b')).resolves.toBeUndefined();
  });

  it('splits a burst into writes of at most maxBatch items', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const writer = new BatchedWriter<number>(async (items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 2);

    const all = [writer.add(0), writer.add(1), writer.add(2), writer.add(3), writer.add(4)];
    release();
    await Promise.all(all);

    expect(sizes).toEqual([1, 2, 2]);
  });
});
