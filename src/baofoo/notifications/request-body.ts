import type { Readable } from 'node:stream';

/** How reading a request body ended. */
export type BodyOutcome = 'complete' | 'too-large' | 'timed-out' | 'aborted';

export interface RequestBody {
  /** The body, or its first `limit` bytes when it was not read to the end. */
  bytes: Buffer;
  outcome: BodyOutcome;
}

/**
 * Reads a request body of at most `limit` bytes within `timeoutMs`. Reading
 * stops at the first chunk past the limit (so at most one socket read, 64 KiB,
 * crosses the limit) and at the deadline, leaving the stream paused: a sender
 * cannot make the process take a large body in, nor hold it open by trickling
 * bytes. Whoever answers a body not read to the end must close the connection.
 */
export function readRequestBody(stream: Readable, limit: number, timeoutMs: number): Promise<RequestBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: BodyOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      if (outcome !== 'complete') stream.pause();
      resolve({ bytes: Buffer.concat(chunks), outcome });
    };
    const onData = (chunk: Buffer): void => {
      const room = limit - size;
      size += chunk.length;
      if (room > 0) chunks.push(chunk.length <= room ? chunk : chunk.subarray(0, room));
      if (size > limit) finish('too-large');
    };
    const onEnd = (): void => finish('complete');
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timed-out'), timeoutMs);
    stream.on('data', onData).once('end', onEnd).once('error', onAbort).once('close', onAbort);
  });
}
