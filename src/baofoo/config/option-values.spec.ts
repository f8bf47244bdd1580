import { describe, expect, it } from '@jest/globals';
import { baofooOptionsFromEnv } from './baofoo-env.config.ts';
import { BaofooConfigError, resolveBaofooOptions } from './resolve-options.ts';

const VALID = {
  BAOFOO_ENV: 'sandbox',
  BAOFOO_SANDBOX_URL: 'http://127.0.0.1:3100',
  BAOFOO_MEMBER_ID: '100000178',
  BAOFOO_TERMINAL_ID: '10000001',
  BAOFOO_KEY: 'abcdefg',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveBaofooOptions(baofooOptionsFromEnv({ ...VALID, ...env }));
  } catch (e) {
    if (e instanceof BaofooConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('invalid option values are boot errors that name the option', () => {
  it('accepts the valid base configuration', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each([
    ['BAOFOO_RECONCILE_CRON', 'every minute', /^reconciliation\.cron \(BAOFOO_RECONCILE_CRON\) "every minute" is not a cron expression/],
    ['BAOFOO_RECONCILE_CRON', '61 * * * * *', /^reconciliation\.cron \(BAOFOO_RECONCILE_CRON\)/],
    ['BAOFOO_RECONCILE_BATCH_SIZE', 'fifty', /^reconciliation\.batchSize: /],
    ['BAOFOO_RECONCILE_CONCURRENCY', '0', /^reconciliation\.concurrency: /],
    ['BAOFOO_OUTBOX_POLL_MS', '2.5', /^outbox\.pollIntervalMs: /],
    ['BAOFOO_MAX_BODY_BYTES', '-1', /^notification\.maxBodyBytes: /],
    ['BAOFOO_PUBLIC_BASE_URL', 'shop.example.com', /^notification\.publicBaseUrl: /],
    ['BAOFOO_PAGE_REDIRECT_URL', 'ftp://shop.example.com/done', /^notification\.pageRedirectUrl: /],
    ['BAOFOO_SANDBOX_URL', 'localhost:3100', /^sandboxUrl: .*BAOFOO_SANDBOX_URL/],
    ['BAOFOO_OUTBOX_MAX_ATTEMPTS', '0', /^outbox\.delivery\.attempts: /],
    ['BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS', 'soon', /^outbox\.delivery\.timeoutMs: /],
    ['BAOFOO_OUTBOX_BACKOFF_BASE_MS', '-5', /^outbox\.delivery\.backoff\.baseMs: /],
    ['BAOFOO_OUTBOX_BACKOFF_FACTOR', '0.5', /^outbox\.delivery\.backoff\.factor: /],
    ['BAOFOO_OUTBOX_BACKOFF_MAX_MS', '-1', /^outbox\.delivery\.backoff\.maxMs: /],
    ['BAOFOO_OUTBOX_BACKOFF_JITTER', '1.5', /^outbox\.delivery\.backoff\.jitter: /],
  ])('%s=%j is refused with a message naming the option', (name, value, message) => {
    const problems = problemsOf({ [name]: value });

    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(message);
  });
});

describe('outbox.delivery, the default delivery settings of listeners', () => {
  const resolved = (outbox: object) => resolveBaofooOptions({ ...baofooOptionsFromEnv(VALID), outbox }).outbox.delivery;

  it('defaults to 8 attempts, 1 s × 3 up to 15 min ±20 %, and 30 s per call', () => {
    expect(resolved({})).toEqual({ attempts: 8, backoff: { baseMs: 1000, factor: 3, maxMs: 900_000, jitter: 0.2 }, timeoutMs: 30_000 });
  });

  it('keeps the default of every part left out, down to one field of the backoff', () => {
    expect(resolved({ delivery: { backoff: { factor: 2 } } })).toEqual({ attempts: 8, backoff: { baseMs: 1000, factor: 2, maxMs: 900_000, jitter: 0.2 }, timeoutMs: 30_000 });
  });

  it('refuses a longest wait below the first one when both are set', () => {
    expect(problemsOf({ BAOFOO_OUTBOX_BACKOFF_BASE_MS: '5000', BAOFOO_OUTBOX_BACKOFF_MAX_MS: '100' })).toEqual(['outbox.delivery.backoff.maxMs: maxMs must not be below baseMs (5000)']);
  });

  it('still reads outbox.maxAttempts, the former name of delivery.attempts, and refuses both at once', () => {
    expect(resolved({ maxAttempts: 4 }).attempts).toBe(4);
    expect(() => resolved({ maxAttempts: 4, delivery: { attempts: 5 } })).toThrow(/outbox\.maxAttempts is the former name of outbox\.delivery\.attempts/);
  });
});
