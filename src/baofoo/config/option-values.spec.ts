import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { baofooOptionsFromEnv, missingEnvFiles } from './baofoo-env.config.ts';
import type { BaofooModuleOptions } from './baofoo-options.interface.ts';
import { CRON_RULE } from './cron-rule.ts';
import { environmentFindings } from './option-sources.ts';
import { BaofooConfigError, resolveBaofooOptions } from './resolve-options.ts';

const VALID = {
  BAOFOO_ENV: 'sandbox',
  BAOFOO_SANDBOX_URL: 'http://127.0.0.1:3100',
  BAOFOO_MEMBER_ID: '100000178',
  BAOFOO_TERMINAL_ID: '10000001',
  BAOFOO_KEY: 'abcdefg',
};

function problemsOfOptions(options: BaofooModuleOptions, nodeEnv = 'development'): string[] {
  try {
    resolveBaofooOptions(options, undefined, nodeEnv);
  } catch (e) {
    if (e instanceof BaofooConfigError) return e.problems;
    throw e;
  }
  return [];
}

const problemsOf = (env: Record<string, string>, nodeEnv = 'development') => problemsOfOptions(baofooOptionsFromEnv({ ...VALID, ...env }), nodeEnv);

/** The error baofooOptionsFromEnv throws (reading a key), as text. */
function readingError(env: Record<string, string>): string {
  try {
    baofooOptionsFromEnv(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('invalid option values are boot errors that name the variable the user set, once', () => {
  it('accepts the valid base configuration', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each([
    ['BAOFOO_RECONCILE_CRON', 'every minute', `BAOFOO_RECONCILE_CRON: "every minute" is not a cron expression: use ${CRON_RULE}, e.g. "*/30 * * * * *"`],
    ['BAOFOO_RECONCILE_CRON', '61 * * * * *', `BAOFOO_RECONCILE_CRON: "61 * * * * *" is not a cron expression: use ${CRON_RULE}, e.g. "*/30 * * * * *"`],
    ['BAOFOO_RECONCILE_BATCH_SIZE', 'fifty', 'BAOFOO_RECONCILE_BATCH_SIZE: must be a whole number from 1 to 10000, not "fifty"'],
    ['BAOFOO_RECONCILE_CONCURRENCY', '0', 'BAOFOO_RECONCILE_CONCURRENCY: must be a whole number from 1 to 256, not "0"'],
    ['BAOFOO_RECONCILE_GRACE_SECONDS', '-5', 'BAOFOO_RECONCILE_GRACE_SECONDS: must be a whole number of at least 0, not "-5"'],
    ['BAOFOO_OUTBOX_POLL_MS', '2.5', 'BAOFOO_OUTBOX_POLL_MS: must be a whole number from 10 to 600000, not "2.5"'],
    ['BAOFOO_MAX_BODY_BYTES', 'abc', 'BAOFOO_MAX_BODY_BYTES: must be a whole number from 512 to 1048576, not "abc"'],
    ['BAOFOO_MAX_BODY_BYTES', '-1', 'BAOFOO_MAX_BODY_BYTES: must be a whole number from 512 to 1048576, not "-1"'],
    ['BAOFOO_RECONCILE_ENABLED', 'ture', 'BAOFOO_RECONCILE_ENABLED: must be true or false (in the environment: true/1/yes/on or false/0/no/off), not "ture"'],
    ['BAOFOO_OUTBOX_ENABLED', 'enabled', 'BAOFOO_OUTBOX_ENABLED: must be true or false (in the environment: true/1/yes/on or false/0/no/off), not "enabled"'],
    ['BAOFOO_PUBLIC_BASE_URL', 'shop.example.com', 'BAOFOO_PUBLIC_BASE_URL: must be an http(s) URL like https://shop.example.com, not "shop.example.com"'],
    ['BAOFOO_PAGE_REDIRECT_URL', 'ftp://shop.example.com/done', 'BAOFOO_PAGE_REDIRECT_URL: must be an http(s) URL, not "ftp://shop.example.com/done"'],
    ['BAOFOO_SANDBOX_URL', 'localhost:3100', 'BAOFOO_SANDBOX_URL: must be an http(s) URL like http://127.0.0.1:3100, not "localhost:3100"'],
    ['BAOFOO_ENV', 'staging', 'BAOFOO_ENV: must be sandbox, test or production, not "staging"'],
    ['BAOFOO_KEY_ID', 'k'.repeat(65), 'BAOFOO_KEY_ID: is longer than 64 characters (the ledger keeps 64): shorten it'],
    ['BAOFOO_OUTBOX_MAX_ATTEMPTS', '0', 'BAOFOO_OUTBOX_MAX_ATTEMPTS: must be a whole number from 1 to 100, not "0"'],
    ['BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS', 'soon', 'BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS: must be a whole number from 10 to 3600000, not "soon"'],
    ['BAOFOO_OUTBOX_BACKOFF_BASE_MS', '-5', 'BAOFOO_OUTBOX_BACKOFF_BASE_MS: must be a whole number from 0 to 86400000, not "-5"'],
    ['BAOFOO_OUTBOX_BACKOFF_FACTOR', '0.5', 'BAOFOO_OUTBOX_BACKOFF_FACTOR: must be a number from 1 to 100, not "0.5"'],
    ['BAOFOO_OUTBOX_BACKOFF_FACTOR', 'double', 'BAOFOO_OUTBOX_BACKOFF_FACTOR: must be a number from 1 to 100, not "double"'],
    ['BAOFOO_OUTBOX_BACKOFF_MAX_MS', '-1', 'BAOFOO_OUTBOX_BACKOFF_MAX_MS: must be a whole number from 0 to 86400000, not "-1"'],
    ['BAOFOO_OUTBOX_BACKOFF_JITTER', '1.5', 'BAOFOO_OUTBOX_BACKOFF_JITTER: must be a number from 0 to 1, not "1.5"'],
  ])('%s=%j is refused with one message naming the variable', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('names the option path instead when the value came from the code (forRoot), and the variable when the app did not change it', () => {
    const fromEnv = baofooOptionsFromEnv({ ...VALID, BAOFOO_MAX_BODY_BYTES: '100', BAOFOO_RECONCILE_BATCH_SIZE: '0' });
    const changed = { ...fromEnv, notification: { ...fromEnv.notification, maxBodyBytes: 200 } };

    expect(problemsOfOptions(changed)).toEqual([
      'notification.maxBodyBytes: must be a whole number from 512 to 1048576, not "200"',
      'BAOFOO_RECONCILE_BATCH_SIZE: must be a whole number from 1 to 10000, not "0"',
    ]);
  });

  it('names a value inside BAOFOO_MERCHANTS by its place in the JSON', () => {
    const merchants = JSON.stringify([{ memberId: '12ab', terminalId: '10000001', keys: [{ id: 'a', value: 'abcdefg' }] }]);
    expect(problemsOf({ BAOFOO_MERCHANTS: merchants })).toEqual(['BAOFOO_MERCHANTS[0].memberId: must be the digits of the MemberID (商户号)']);
  });

  it('names the variable of a pool minimum above the pool size', () => {
    expect(problemsOf({ BAOFOO_DB_POOL_MIN: '20', BAOFOO_DB_POOL_SIZE: '5' })).toEqual(['BAOFOO_DB_POOL_MIN 20 is above BAOFOO_DB_POOL_SIZE 5: lower it, or raise the pool size']);
  });
});

describe('booleans accept only the documented spellings', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['Off', false],
  ])('%s reads as %s', (text, value) => {
    expect(baofooOptionsFromEnv({ ...VALID, BAOFOO_RECONCILE_ENABLED: text }).reconciliation?.enabled).toBe(value);
    expect(problemsOf({ BAOFOO_RECONCILE_ENABLED: text })).toEqual([]);
  });
});

describe('cron expressions: one rule, stated once', () => {
  it.each(['*/5 * * * *', '*/30 * * * * *', '@hourly'])('accepts %s, as the rule says', (cron) => {
    expect(problemsOf({ BAOFOO_RECONCILE_CRON: cron })).toEqual([]);
  });

  it('states the rule that validation applies: 5 fields, 6 with seconds, or a nickname', () => {
    expect(CRON_RULE).toMatch(/^5 fields .*6 with seconds first.*nickname/);
  });
});

describe('key sources are named by the variables that set them', () => {
  it('labels a key file that cannot be read with BAOFOO_KEY_FILE and the fix', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'baofoo-key-')), 'missing');
    const message = readingError({ ...VALID, BAOFOO_KEY: '', BAOFOO_KEY_FILE: missing });
    expect(message).toBe(`the current key: BAOFOO_KEY_FILE=${missing} cannot be read (ENOENT): fix the path, or mount the file there`);
  });

  it('says which two variables are both set, not "value, encrypted"', () => {
    const message = readingError({ ...VALID, BAOFOO_KEY_ENCRYPTED: 'v1.a.b.c' });
    expect(message).toBe('the current key: BAOFOO_KEY and BAOFOO_KEY_ENCRYPTED are all set: keep only one (production wants BAOFOO_KEY_ENCRYPTED)');
  });

  it('names BAOFOO_MASTER_KEY when an encrypted key has none', () => {
    const message = readingError({ ...VALID, BAOFOO_KEY: '', BAOFOO_KEY_ENCRYPTED: 'v1.a.b.c' });
    expect(message).toBe('the current key: BAOFOO_KEY_ENCRYPTED is set without BAOFOO_MASTER_KEY: an encrypted key needs the master key from your secret store');
  });

  it('names BAOFOO_MASTER_KEY when the master key is malformed', () => {
    const message = readingError({ ...VALID, BAOFOO_KEY: '', BAOFOO_KEY_ENCRYPTED: 'v1.a.b.c', BAOFOO_MASTER_KEY: 'short' });
    expect(message).toMatch(/^the current key: BAOFOO_MASTER_KEY: the master key must be 32 bytes.*openssl rand -hex 32/);
  });
});

describe('unknown BAOFOO_* variables', () => {
  it('refuses a typo, naming the closest known variable', () => {
    expect(problemsOf({ BAOFOO_ALOWED_IPS: '203.0.113.0/24' })).toEqual([
      'BAOFOO_ALOWED_IPS is not a variable of nestjs-baofoo: did you mean BAOFOO_ALLOWED_IPS? Rename it (docs/options.md lists every variable)',
    ]);
    expect(problemsOf({ BAOFOO_RECONCILE_ENABLE: 'false' })[0]).toMatch(/did you mean BAOFOO_RECONCILE_ENABLED\?/);
  });

  it('knows the variables BAOFOO_MERCHANTS names for its keys', () => {
    const merchants = JSON.stringify([{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'a', env: 'BAOFOO_KEY_OF_SHOP_A' }] }]);
    const options = baofooOptionsFromEnv({ BAOFOO_ENV: 'sandbox', BAOFOO_SANDBOX_URL: 'http://127.0.0.1:3100', BAOFOO_MERCHANTS: merchants, BAOFOO_KEY_OF_SHOP_A: 'abcdefg' });
    expect(problemsOfOptions(options)).toEqual([]);
    expect(environmentFindings(options).warnings).toEqual([]);
  });

  it('only warns about a name far from every known one (it may be the app\'s own)', () => {
    const options = baofooOptionsFromEnv({ ...VALID, BAOFOO_SHOP_THEME: 'dark' });
    expect(problemsOfOptions(options)).toEqual([]);
    expect(environmentFindings(options).warnings).toEqual(['BAOFOO_SHOP_THEME is not a variable of nestjs-baofoo and is ignored (docs/options.md lists every variable)']);
  });
});

describe('a missing env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baofoo-env-'));
  writeFileSync(join(dir, 'present.env'), 'BAOFOO_ENV=test\n');

  it('is found missing, the present one is not', () => {
    expect(missingEnvFiles(['present.env', 'config/staging.env'], dir)).toEqual(['config/staging.env']);
  });

  it('stops the boot, named with NODE_ENV and the fix, when nothing else sets BAOFOO_ENV', () => {
    const problems = problemsOfOptions(baofooOptionsFromEnv({ NODE_ENV: 'staging' }, {}, ['config/staging.env']));
    expect(problems[0]).toMatch(/^config\/staging\.env, the env file of NODE_ENV=staging, does not exist \(in .*\) and BAOFOO_ENV is not set in the environment: create config\/staging\.env/);
  });

  it('is a warning naming the file when the environment sets the variables (a platform without env files)', () => {
    const options = baofooOptionsFromEnv({ ...VALID, NODE_ENV: 'staging' }, {}, ['config/staging.env']);
    expect(problemsOfOptions(options)).toEqual([]);
    expect(environmentFindings(options).warnings).toEqual([expect.stringMatching(/^config\/staging\.env, the env file of NODE_ENV=staging, does not exist .*: the configuration comes from the environment's variables alone$/)]);
  });
});

describe('an app built for production (NODE_ENV=production) on a gateway that is not', () => {
  it('refuses the sandbox with the published test merchant, naming both variables and the acknowledgement', () => {
    expect(problemsOf({}, 'production')).toEqual([
      'NODE_ENV is production but BAOFOO_ENV is sandbox, with the published test merchant: no payment would be paid for real. ' +
        'Set BAOFOO_ENV=production with your production merchant, or, on a staging server built for production, acknowledge it with BAOFOO_ALLOW_SANDBOX_IN_PRODUCTION=true',
    ]);
  });

  it('boots once acknowledged, and names the option path when the options came from code', () => {
    expect(problemsOf({ BAOFOO_ALLOW_SANDBOX_IN_PRODUCTION: 'true' }, 'production')).toEqual([]);
    const fromCode = { ...baofooOptionsFromEnv(VALID) };
    const problems = problemsOfOptions({ environment: 'test', merchants: fromCode.merchants.map((m) => ({ ...m, memberId: '100012345' })) }, 'production');
    expect(problems).toEqual([expect.stringMatching(/^NODE_ENV is production but environment is test, with the published test merchant: .*acknowledge it with allowSandboxInProduction=true$/)]);
  });

  it('does not apply outside NODE_ENV=production', () => {
    expect(problemsOf({}, 'staging')).toEqual([]);
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
    expect(problemsOf({ BAOFOO_OUTBOX_BACKOFF_BASE_MS: '5000', BAOFOO_OUTBOX_BACKOFF_MAX_MS: '100' })).toEqual(['BAOFOO_OUTBOX_BACKOFF_MAX_MS: must not be below baseMs (5000)']);
  });

  it('still reads outbox.maxAttempts, the former name of delivery.attempts, and refuses both at once', () => {
    expect(resolved({ maxAttempts: 4 }).attempts).toBe(4);
    expect(() => resolved({ maxAttempts: 4, delivery: { attempts: 5 } })).toThrow(/outbox\.maxAttempts is the former name of outbox\.delivery\.attempts/);
  });
});
