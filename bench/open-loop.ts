import http from 'node:http';
import { percentile, round } from './bench-stats.ts';

/*
 * An open-loop generator: request i is due at t0 + i / rate whatever became
 * of the earlier ones, and its latency runs from that due time, so a server
 * that falls behind is charged for the queue it causes (closed-loop tools,
 * and autocannon's -R which fires each connection's quota in a burst, hide
 * it). Bodies are built before t0, so the generator does little but send.
 */

export interface PacedResult {
  rate: number;
  /** Requests due in the run. */
  requests: number;
  /** Answers per second over the run, from the first due time to the last answer. */
  achievedRps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Answers other than 200 `OK`, network errors, and requests without an answer by the deadline. */
  nonOk: number;
  unanswered: number;
  /** How late the generator itself sent (p99, ms): if this is large the machine, not the server, was behind. */
  sendLagP99Ms: number | null;
}

export interface PacedOptions {
  rate: number;
  /** Prebuilt bodies, one request each. */
  bodies: readonly string[];
  /** Keep-alive sockets at most; requests beyond wait in the agent's queue, and that wait counts. */
  maxSockets: number;
  /** Answers still missing this long after the last due time count as unanswered. */
  graceMs: number;
}

export function pacedRun(url: URL, o: PacedOptions): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets, scheduling: 'fifo' });
  const count = o.bodies.length;
  const intervalMs = 1000 / o.rate;
  const latencies: number[] = [];
  const sendLags: number[] = [];
  let nonOk = 0;
  let answered = 0;
  let sent = 0;
  let lastAnswerAt = 0;
  const t0 = performance.now() + 50;
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      agent.destroy();
      const unanswered = count - answered;
      const seconds = (Math.max(lastAnswerAt, t0 + 1) - t0) / 1000;
      resolve({
        rate: o.rate,
        requests: count,
        achievedRps: round(answered / seconds, 0)!,
        p50Ms: round(percentile(latencies, 50), 1),
        p99Ms: round(percentile(latencies, 99), 1),
        maxMs: round(latencies.length ? Math.max(...latencies) : null, 1),
        nonOk: nonOk + unanswered,
        unanswered,
        sendLagP99Ms: round(percentile(sendLags, 99), 1),
      });
    };
    const deadline = setTimeout(finish, t0 - performance.now() + count * intervalMs + o.graceMs);
    const fire = (i: number, dueAt: number) => {
      sendLags.push(performance.now() - dueAt);
      const body = o.bodies[i];
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => settle(dueAt, res.statusCode === 200 && text === 'OK'));
        },
      );
      req.on('error', () => settle(dueAt, false));
      req.end(body);
    };
    const settle = (dueAt: number, ok: boolean) => {
      if (finished) return;
      lastAnswerAt = performance.now();
      latencies.push(lastAnswerAt - dueAt);
      if (!ok) nonOk += 1;
      answered += 1;
      if (answered === count) finish();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < count && t0 + sent * intervalMs <= now) {
        fire(sent, t0 + sent * intervalMs);
        sent += 1;
      }
      if (sent < count) setTimeout(tick, Math.max(0, t0 + sent * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
}
