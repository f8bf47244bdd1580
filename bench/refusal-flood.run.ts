import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** A flood of unsigned requests with signed notifications sent while it lasts. */
export interface FloodPlan {
  port: number;
  path: string;
  /** Unsigned requests to send (bare GETs and forged forms, alternately). */
  unsigned: number;
  /** Requests of the flood in flight at once. */
  connections: number;
  /** Form bodies of valid signed notifications, sent one after another during the flood. */
  signed: readonly string[];
}

export interface FloodResult {
  unsignedSent: number;
  /** Answers to the flood by status. */
  unsignedAnswers: Record<number, number>;
  signedOk: number;
  signedLatenciesMs: number[];
  elapsedMs: number;
}

function send(agent: http.Agent, port: number, method: 'GET' | 'POST', path: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const FORGED = 'MemberID=100000178&TerminalID=10000001&TransID=FLOOD&Result=1&ResultDesc=01&FactMoney=1&AdditionalInfo=&SuccTime=20261125120000&Md5Sign=00000000000000000000000000000000';

/** Runs the flood and the signed notifications together over loopback keep-alive connections. */
export async function runRefusalFlood(plan: FloodPlan): Promise<FloodResult> {
  const floodAgent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
  const signedAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const unsignedAnswers: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  const flood = Promise.all(
    Array.from({ length: plan.connections }, async () => {
      while (next < plan.unsigned) {
        const i = next++;
        const { status } = i % 2 === 0 ? await send(floodAgent, plan.port, 'GET', plan.path) : await send(floodAgent, plan.port, 'POST', plan.path, FORGED);
        unsignedAnswers[status] = (unsignedAnswers[status] ?? 0) + 1;
      }
    }),
  );
  const signedLatenciesMs: number[] = [];
  let signedOk = 0;
  const signed = (async () => {
    for (const body of plan.signed) {
      const at = performance.now();
      const answer = await send(signedAgent, plan.port, 'POST', plan.path, body);
      signedLatenciesMs.push(performance.now() - at);
      if (answer.status === 200 && answer.text === 'OK') signedOk += 1;
    }
  })();
  await Promise.all([flood, signed]);
  const elapsedMs = performance.now() - started;
  floodAgent.destroy();
  signedAgent.destroy();
  return { unsignedSent: plan.unsigned, unsignedAnswers, signedOk, signedLatenciesMs, elapsedMs };
}
