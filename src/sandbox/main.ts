import { validateFaults } from './faults.ts';
import { startSandboxGateway } from './sandbox-gateway.ts';
import type { SandboxMerchant, SandboxOptions } from './sandbox.options.ts';

/**
 * `npm run sandbox`: the sandbox gateway alone.
 *   SANDBOX_PORT                 port (default 3100)
 *   SANDBOX_HOST                 interface (default 127.0.0.1)
 *   SANDBOX_MERCHANTS            JSON [{"memberId","terminalId","key","charset"?}] (default: the published test merchant)
 *   SANDBOX_RETRY_DELAYS_MS      comma-separated waits before each notification attempt
 *   SANDBOX_NOTIFY_METHOD        POST (default) or GET
 *   SANDBOX_QUERY_MIN_INTERVAL_MS refuse a second query of an order within this time (0 = off)
 *   SANDBOX_FAULTS               JSON of global faults, e.g. {"duplicates":2}
 */

function fail(message: string): never {
  console.error(`sandbox: ${message}`);
  process.exit(1);
}

function json(name: string): unknown {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return fail(`${name} is not valid JSON`);
  }
}

function integer(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^[0-9]+$/.test(text.trim())) fail(`${name} must be a whole number`);
  return Number(text.trim());
}

function options(): SandboxOptions {
  const merchants = json('SANDBOX_MERCHANTS');
  if (merchants !== undefined && !Array.isArray(merchants)) fail('SANDBOX_MERCHANTS must be a JSON array');
  const delays = process.env.SANDBOX_RETRY_DELAYS_MS;
  const method = process.env.SANDBOX_NOTIFY_METHOD?.toUpperCase();
  if (method !== undefined && method !== 'POST' && method !== 'GET') fail('SANDBOX_NOTIFY_METHOD must be POST or GET');
  const faults = json('SANDBOX_FAULTS');
  return {
    port: integer('SANDBOX_PORT', 3100),
    host: process.env.SANDBOX_HOST || '127.0.0.1',
    merchants: merchants as SandboxMerchant[] | undefined,
    retryDelaysMs: delays ? delays.split(',').map((d) => Number(d.trim())) : undefined,
    notifyMethod: method as 'POST' | 'GET' | undefined,
    labelCharset: process.env.SANDBOX_LABEL_CHARSET === 'true',
    queryMinIntervalMs: integer('SANDBOX_QUERY_MIN_INTERVAL_MS', 0),
    faults: faults === undefined ? undefined : validateFaults(faults),
    log: (line) => console.log(`[sandbox] ${new Date().toISOString()} ${line}`),
  };
}

async function main(): Promise<void> {
  let opts: SandboxOptions;
  try {
    opts = options();
  } catch (e) {
    return fail((e as Error).message);
  }
  const gateway = await startSandboxGateway(opts).catch((e: Error) => fail(e.message));
  const merchants = (opts.merchants ?? [{ memberId: '100000178', terminalId: '10000001' }]).map((m) => `${m.memberId}/${m.terminalId}`).join(', ');
  console.log(`Baofoo sandbox gateway listening on ${gateway.url}`);
  console.log(`  payment form:  POST ${gateway.payindexUrl}`);
  console.log(`  order query:   POST ${gateway.queryUrl}`);
  console.log(`  records:       GET  ${gateway.url}/_sandbox/records`);
  console.log(`  merchants:     ${merchants}`);
  const shutdown = () => {
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
