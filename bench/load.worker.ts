import autocannon from 'autocannon';
import http from 'node:http';
import { benchTransId, successBody } from './bench-signing.ts';

/*
 * The load generator, always in a process of its own so it never shares an
 * event loop with the server it measures. Every request is a unique signed
 * notification for a distinct pending order (prefix + running number).
 */

export type LoadJob =
  | { mode: 'load'; url: string; prefix: string; orders: number; connections: number; warmupSeconds: number; seconds: number; rate?: number }
  | { mode: 'storm'; url: string; prefix: string; orders: number; copies: number; ordersInFlight: number };

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  nonOk: number;
  errors: number;
  /** Orders consumed, warm-up included. */
  used: number;
}

export interface StormResult {
  requests: number;
  nonOk: number;
  seconds: number;
}

function bodies(prefix: string, orders: number): () => string {
  let next = 0;
  return () => {
    if (next >= orders) throw new Error(`more than ${orders} requests: seed more orders`);
    return successBody(benchTransId(prefix, next++));
  };
}

async function cannon(job: Extract<LoadJob, { mode: 'load' }>, next: () => string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: job.url,
    connections: job.connections,
    duration: seconds,
    overallRate: job.rate,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }),
      },
    ],
  });
}

async function load(job: Extract<LoadJob, { mode: 'load' }>): Promise<LoadResult> {
  let used = 0;
  const source = bodies(job.prefix, job.orders);
  const next = () => {
    used += 1;
    return source();
  };
  if (job.warmupSeconds > 0) await cannon(job, next, job.warmupSeconds);
  const r = await cannon(job, next, job.seconds);
  return {
    requests: r.requests.total,
    rps: r.requests.total / job.seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    nonOk: r.non2xx + r.errors + r.timeouts,
    errors: r.errors + r.timeouts,
    used,
  };
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

/** Each order's notification `copies` times at once, `ordersInFlight` orders at a time. */
async function storm(job: Extract<LoadJob, { mode: 'storm' }>): Promise<StormResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.copies * job.ordersInFlight });
  const url = new URL(job.url);
  let nonOk = 0;
  let requests = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < job.orders) {
      const body = successBody(benchTransId(job.prefix, next++));
      const answers = await Promise.all(Array.from({ length: job.copies }, () => post(agent, url, body)));
      requests += answers.length;
      nonOk += answers.filter((a) => a.status !== 200 || a.text !== 'OK').length;
    }
  };
  await Promise.all(Array.from({ length: job.ordersInFlight }, worker));
  agent.destroy();
  return { requests, nonOk, seconds: (performance.now() - started) / 1000 };
}

process.once('message', (job: LoadJob) => {
  void (job.mode === 'load' ? load(job) : storm(job)).then(
    (result) => process.send!({ type: 'result', result }, () => process.disconnect()),
    (e: unknown) => process.send!({ type: 'error', message: e instanceof Error ? e.message : String(e) }, () => process.disconnect()),
  );
});
