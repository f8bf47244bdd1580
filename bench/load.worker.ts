import autocannon from 'autocannon';
import http from 'node:http';
import { benchTransId, successBody } from './bench-signing.ts';
import { closedLoopOrders, type ClosedResult, type LoadJob, type PacedLoadResult, type StormResult } from './load-jobs.ts';
import { pacedRun } from './open-loop.ts';
import { processTicks } from './proc-cpu.ts';

/*
 * The load generator, always in a process of its own so it never shares an
 * event loop with the server it measures. Every request is a unique signed
 * notification for a distinct pending order (prefix + running number).
 */

async function closed(job: Extract<LoadJob, { mode: 'closed' }>): Promise<ClosedResult> {
  let next = 0;
  const orders = closedLoopOrders(job.requests, job.connections);
  const body = () => {
    if (next >= orders) throw new Error(`more than ${orders} requests: seed more orders`);
    return successBody(benchTransId(job.prefix, next++));
  };
  const ticks = processTicks(process.pid);
  const started = performance.now();
  const run = autocannon({
    url: job.url,
    connections: job.connections,
    amount: job.requests,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }),
      },
    ],
  });
  // autocannon settles only at its next 1-second tick after the last response, which quantized every
  // closed-loop req/s to 10,000 / (whole seconds + 0.05): the run ends with its last response.
  let lastResponseAt = started;
  run.on('response', () => (lastResponseAt = performance.now()));
  const r = await run;
  const seconds = (lastResponseAt - started) / 1000;
  return {
    requests: r.requests.total,
    seconds,
    rps: r.requests.total / seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    nonOk: r.non2xx + r.errors + r.timeouts,
    errors: r.errors + r.timeouts,
    cpuTicks: processTicks(process.pid) - ticks,
  };
}

async function paced(job: Extract<LoadJob, { mode: 'paced' }>): Promise<PacedLoadResult> {
  const bodies = Array.from({ length: job.requests }, (_, i) => successBody(benchTransId(job.prefix, i)));
  const ticks = processTicks(process.pid);
  const r = await pacedRun(new URL(job.url), { rate: job.rate, bodies, maxSockets: job.maxSockets, graceMs: 10_000 });
  return { ...r, cpuTicks: processTicks(process.pid) - ticks };
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

const run = (job: LoadJob): Promise<unknown> => (job.mode === 'closed' ? closed(job) : job.mode === 'paced' ? paced(job) : storm(job));

process.once('message', (job: LoadJob) => {
  // Loopback only: the bench must never load anything but its own servers.
  const host = new URL(job.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    process.send!({ type: 'error', message: `refusing to load ${host}: the bench only targets loopback` }, () => process.disconnect());
    return;
  }
  void run(job).then(
    (result) => process.send!({ type: 'result', result }, () => process.disconnect()),
    (e: unknown) => process.send!({ type: 'error', message: e instanceof Error ? e.message : String(e) }, () => process.disconnect()),
  );
});
