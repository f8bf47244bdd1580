import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { OutboxWakeup } from './outbox-wakeup.ts';

const RECONNECT_MS = 1000;
const CAP_MS = 30_000;

/** A LISTEN connection that fails to connect while `down`, and can be dropped once up. */
class FakeClient extends EventEmitter {
  constructor(private readonly server: FakeServer) {
    super();
  }
  async connect(): Promise<void> {
    this.server.attempts.push(Date.now());
    if (this.server.down) throw new Error('connect ECONNREFUSED');
  }
  async query(): Promise<void> {}
  async end(): Promise<void> {}
}

class FakeServer {
  down = true;
  readonly attempts: number[] = [];
  readonly clients: FakeClient[] = [];
  newClient = () => {
    const client = new FakeClient(this);
    this.clients.push(client);
    return client as unknown as pg.Client;
  };
  /** Waits between consecutive connection attempts, from `from` on. */
  gaps(from = 0): number[] {
    return this.attempts.slice(from + 1).map((at, i) => at - this.attempts[from + i]);
  }
}

const quiet = { log: () => undefined, warn: () => undefined } as unknown as Logger;

describe('OutboxWakeup reconnection', () => {
  let server: FakeServer;
  let wakeup: OutboxWakeup;
  let wakes: number;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    server = new FakeServer();
    wakes = 0;
    wakeup = new OutboxWakeup(async () => ({ host: 'db' }), () => (wakes += 1), RECONNECT_MS, quiet, server.newClient);
  });
  afterEach(async () => {
    await wakeup.stop();
    jest.useRealTimers();
  });

  /** Runs the clock until `count` attempts were made (each waits for its timer). */
  async function untilAttempts(count: number): Promise<void> {
    for (let i = 0; server.attempts.length < count && i < 10_000; i += 1) await jest.advanceTimersByTimeAsync(100);
    expect(server.attempts.length).toBeGreaterThanOrEqual(count);
  }

  it('waits reconnectMs, then twice as long after each failure, up to 30 s', async () => {
    wakeup.start();
    await untilAttempts(9);

    // Attempts at 0 (start), then after 1, 2, 4, 8, 16, 30 (capped), 30, 30 s; the clock runs in 100 ms steps.
    expect(server.gaps()).toEqual([1000, 2000, 4000, 8000, 16_000, CAP_MS, CAP_MS, CAP_MS]);
    expect(wakeup.listening).toBe(false);
  });

  it('starts again from reconnectMs once LISTEN was back, and picks up what was committed meanwhile', async () => {
    wakeup.start();
    await untilAttempts(5);
    server.down = false;
    await untilAttempts(6);
    expect(wakeup.listening).toBe(true);
    expect(wakes).toBe(1);

    // The connection is lost again: the first retry comes after reconnectMs, not after the 32 s the old streak reached.
    server.down = true;
    server.clients.at(-1)!.emit('error', new Error('terminating connection due to administrator command'));
    expect(wakeup.listening).toBe(false);
    const lostAt = Date.now();
    await untilAttempts(9);
    expect(server.attempts[6] - lostAt).toBe(RECONNECT_MS);
    expect(server.gaps(6)).toEqual([2000, 4000]);
  });

  it('makes no attempt once stopped', async () => {
    wakeup.start();
    await untilAttempts(2);
    await wakeup.stop();
    await jest.advanceTimersByTimeAsync(10 * CAP_MS);
    expect(server.attempts).toHaveLength(2);
  });
});
