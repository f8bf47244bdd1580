import { PassThrough } from 'node:stream';
import { readRequestBody } from './request-body.ts';

describe('readRequestBody', () => {
  it('returns the whole body of a sender that finishes within the limit and the deadline', async () => {
    const s = new PassThrough();
    const read = readRequestBody(s, 10, 5000);
    s.write('abc');
    s.end('def');
    expect(await read).toEqual({ bytes: Buffer.from('abcdef'), outcome: 'complete' });
  });

  it('stops reading at the first chunk past the limit, keeps the first bytes and leaves the rest unread', async () => {
    const s = new PassThrough({ highWaterMark: 4 });
    const read = readRequestBody(s, 5, 5000);
    s.write('abcd');
    s.write('efgh');
    const body = await read;
    expect(body).toEqual({ bytes: Buffer.from('abcde'), outcome: 'too-large' });
    s.write('ijkl');
    expect(s.isPaused()).toBe(true);
    expect(s.readableLength).toBe(4);
  });

  it('gives up on a sender that trickles past the deadline', async () => {
    const s = new PassThrough();
    const read = readRequestBody(s, 100, 50);
    s.write('a');
    const trickle = setInterval(() => s.write('b'), 5);
    try {
      const body = await read;
      expect(body.outcome).toBe('timed-out');
      expect(body.bytes.toString()).toMatch(/^ab*$/);
    } finally {
      clearInterval(trickle);
    }
  });

  it('reports a sender that goes away mid-body', async () => {
    const s = new PassThrough();
    const read = readRequestBody(s, 100, 5000);
    s.write('abc');
    s.destroy(new Error('aborted'));
    expect((await read).outcome).toBe('aborted');
  });
});
