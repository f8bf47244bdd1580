import { afterEach, describe, expect, it, jest } from '@jest/globals';
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
    }, { maxBatch: 2 });

    const all = [writer.add(0), writer.add(1), writer.add(2), writer.add(3), writer.add(4)];
    release();
    await Promise.all(all);

    expect(sizes).toEqual([1, 2, 2]);
  });

  describe('with a linger', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    /** A writer lingering 20 ms whose writes are held until the test releases them. */
    function lingering(maxBatch = 1000) {
      const writes: number[][] = [];
      const releases: (() => void)[] = [];
      const writer = new BatchedWriter<number>(
        async (items) => {
          writes.push(items);
          await new Promise<void>((resolve) => releases.push(resolve));
        },
        { lingerMs: 20, maxBatch },
      );
      return { writer, writes, release: () => releases.shift()!() };
    }

    it('holds the first item of a quiet period for the linger, so those arriving meanwhile share its write', async () => {
      jest.useFakeTimers();
      const { writer, writes, release } = lingering();

      const all = [writer.add(1)];
      await jest.advanceTimersByTimeAsync(10);
      all.push(writer.add(2));
      await jest.advanceTimersByTimeAsync(9);
      all.push(writer.add(3));
      expect(writes).toEqual([]);

      await jest.advanceTimersByTimeAsync(1);
      expect(writes).toEqual([[1, 2, 3]]);
      release();
      await Promise.all(all);
    });

    it('adds no wait under load: items arriving while a write runs go in the next write as soon as it ends', async () => {
      jest.useFakeTimers();
      const { writer, writes, release } = lingering();
      const first = writer.add(1);
      await jest.advanceTimersByTimeAsync(20);

      const second = writer.add(2);
      release();
      await first;
      await jest.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([[1], [2]]);
      release();
      await second;
    });

    it('writes a full batch at once', async () => {
      jest.useFakeTimers();
      const { writer, writes, release } = lingering(2);

      const all = [writer.add(1), writer.add(2)];
      await jest.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([[1, 2]]);
      release();
      await Promise.all(all);
    });

    it('flush writes what lingers at once and resolves once it is written', async () => {
      jest.useFakeTimers();
      const { writer, writes, release } = lingering();
      const item = writer.add(1);

      let flushed = false;
      const flushing = writer.flush().then(() => (flushed = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([[1]]);
      expect(flushed).toBe(false);
      release();
      await flushing;
      await item;
      // The linger's timer was cleared: nothing is written again when it would have fired.
      await jest.advanceTimersByTimeAsync(50);
      expect(writes).toEqual([[1]]);
    });

    it('stopLingering writes what lingers at once, and every later item with no wait', async () => {
      jest.useFakeTimers();
      const { writer, writes, release } = lingering();
      const first = writer.add(1);

      writer.stopLingering();
      await jest.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([[1]]);
      release();
      await first;

      const later = writer.add(2);
      await jest.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([[1], [2]]);
      release();
      await later;
      // The linger's timer was cleared: nothing is written again when it would have fired.
      await jest.advanceTimersByTimeAsync(50);
      expect(writes).toEqual([[1], [2]]);
    });
  });
});
