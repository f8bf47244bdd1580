import { describe, expect, it } from '@jest/globals';
import { callListener, DeliveryAbortedError, describeFailure, ListenerTimeoutError } from './listener-call.ts';

describe('callListener', () => {
  it('settles with the call', async () => {
    await expect(callListener(async () => 'done', 1000)).resolves.toBe('done');
    await expect(callListener(() => Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
  });

  it('turns a synchronous throw into a rejection', async () => {
    await expect(
      callListener(() => {
        throw new Error('sync');
      }, 1000),
    ).rejects.toThrow('sync');
  });

  it('fails a call that outlives its timeout', async () => {
    await expect(callListener(() => new Promise(() => undefined), 10)).rejects.toBeInstanceOf(ListenerTimeoutError);
  });

  it('fails at once when aborted, before or during the call', async () => {
    const before = new AbortController();
    before.abort();
    await expect(callListener(async () => 'x', 1000, before.signal)).rejects.toBeInstanceOf(DeliveryAbortedError);

    const during = new AbortController();
    const call = callListener(() => new Promise(() => undefined), 60_000, during.signal);
    during.abort();
    await expect(call).rejects.toBeInstanceOf(DeliveryAbortedError);
  });
});

describe('describeFailure', () => {
  it('keeps an error’s stack, starting with its message', () => {
    expect(describeFailure(new TypeError('bad input'))).toMatch(/^TypeError: bad input\n\s+at /);
  });

  it('describes something thrown that is not an Error', () => {
    expect(describeFailure({ code: 42 })).toBe('thrown: {"code":42}');
    expect(describeFailure('plain')).toBe('thrown: plain');
  });

  it('cuts a long description to the limit', () => {
    const text = describeFailure(new Error('x'.repeat(5000)), 100);
    expect(text).toHaveLength(100);
    expect(text.endsWith('…')).toBe(true);
  });
});
