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
  ])('%s=%j is refused with a message naming the option', (name, value, message) => {
    const problems = problemsOf({ [name]: value });

    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(message);
  });
});
