import type { PacedResult } from './open-loop.ts';

/** What the parent asks a load-generator process (load.worker.ts) to do, and what it answers. */

export type LoadJob =
  /** Closed loop: `connections` clients send exactly `requests` notifications as fast as answers come back. */
  | { mode: 'closed'; url: string; prefix: string; requests: number; connections: number }
  /** Open loop at a fixed rate (see open-loop.ts). */
  | { mode: 'paced'; url: string; prefix: string; requests: number; rate: number; maxSockets: number }
  | { mode: 'storm'; url: string; prefix: string; orders: number; copies: number; ordersInFlight: number };

export interface ClosedResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  nonOk: number;
  errors: number;
  /** This process's CPU ticks over the run. */
  cpuTicks: number;
}

export type PacedLoadResult = PacedResult & { cpuTicks: number };

export interface StormResult {
  requests: number;
  nonOk: number;
  seconds: number;
}

/** Orders to seed for a closed-loop run: autocannon may build a request per connection that it never sends. */
export function closedLoopOrders(requests: number, connections: number): number {
  return requests + 2 * connections;
}

