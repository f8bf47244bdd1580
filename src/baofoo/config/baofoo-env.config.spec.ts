import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { baofooConfig, baofooOptionsFromEnv, envFilePaths } from './baofoo-env.config.ts';
import { encryptKey } from './key-encryption.ts';
import { BaofooConfigError, resolveBaofooOptions } from './resolve-options.ts';

const MASTER_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const MASTER = Buffer.from(MASTER_HEX, 'hex');
const envFile = (name: string) => parseEnv(readFileSync(new URL(`../../../config/${name}`, import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'baofoo-env-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MERCHANT = { BAOFOO_ENV: 'test', BAOFOO_MEMBER_ID: '100000178', BAOFOO_TERMINAL_ID: '10000001' };

describe('baofooOptionsFromEnv', () => {
  it('maps config/development.env to sandbox options with the published test merchant', () => {
    expect(baofooOptionsFromEnv(envFile('development.env'))).toEqual({
      environment: 'sandbox',
      sandboxUrl: 'http://127.0.0.1:3100',
      merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'current', secret: 'abcdefg', storage: 'plain' }] }],
      charset: 'utf-8',
      timeZone: undefined,
      boundDomains: ['127.0.0.1', 'localhost'],
      notification: {
        path: '/baofoo/notify',
        pagePath: '/baofoo/return',
        publicBaseUrl: 'http://127.0.0.1:3000',
        allowedIps: ['127.0.0.1', '::1'],
        trustedProxies: [],
        maxBodyBytes: undefined,
        pageRedirectUrl: undefined,
        refusals: { windowSeconds: undefined, samplesPerSource: undefined, maxSources: undefined, maxPendingSamples: undefined, flushIntervalMs: undefined },
      },
      reconciliation: {
        cron: '*/10 * * * * *',
        enabled: undefined,
        batchSize: undefined,
        concurrency: undefined,
        firstQueryAfterSeconds: 20,
        graceSeconds: 120,
        maxAgeSeconds: undefined,
        queryTimeoutMs: undefined,
        maxQueriesPerMinute: undefined,
      },
      outbox: { pollIntervalMs: undefined, enabled: undefined, delivery: { attempts: undefined, timeoutMs: undefined, backoff: { baseMs: undefined, factor: undefined, maxMs: undefined, jitter: undefined } } },
      database: { poolSize: undefined, statementTimeoutMs: undefined, connectTimeoutMs: undefined, answerWithinMs: undefined, topology: undefined, preparedStatements: undefined, listenUrl: undefined },
    });
  });

  it('produces options that config/development.env and config/test.env boot with', () => {
    expect(resolveBaofooOptions(baofooOptionsFromEnv(envFile('development.env'))).endpoints.payUrl).toBe('http://127.0.0.1:3100/payindex');
    expect(resolveBaofooOptions(baofooOptionsFromEnv(envFile('test.env'))).reconciliation.enabled).toBe(false);
  });

  it('refuses config/production.env.example until it is filled in', () => {
    expect(() => resolveBaofooOptions(baofooOptionsFromEnv(envFile('production.env.example')))).toThrow(BaofooConfigError);
  });

  it('reads lists, numbers and switches, trimming list items and dropping empty ones', () => {
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_KEY: 'k',
      BAOFOO_ALLOWED_IPS: ' 203.0.113.0/24 , ,198.51.100.7',
      BAOFOO_TRUSTED_PROXIES: '10.0.0.0/8',
      BAOFOO_MAX_BODY_BYTES: '4096',
      BAOFOO_RECONCILE_ENABLED: 'false',
      BAOFOO_OUTBOX_ENABLED: 'yes',
      BAOFOO_RECONCILE_BATCH_SIZE: '20',
      BAOFOO_OUTBOX_POLL_MS: '250',
      BAOFOO_TIME_ZONE: 'Asia/Shanghai',
      BAOFOO_CHARSET: 'gbk',
    });

    expect(options.notification).toMatchObject({ allowedIps: ['203.0.113.0/24', '198.51.100.7'], trustedProxies: ['10.0.0.0/8'], maxBodyBytes: 4096 });
    expect(options.reconciliation).toMatchObject({ enabled: false, batchSize: 20 });
    expect(options.outbox).toMatchObject({ enabled: true, pollIntervalMs: 250 });
    expect(options).toMatchObject({ charset: 'gbk', timeZone: 'Asia/Shanghai' });
  });

  it('reads the default delivery settings of listeners: attempts, timeout and backoff', () => {
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_KEY: 'k',
      BAOFOO_OUTBOX_MAX_ATTEMPTS: '4',
      BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS: '5000',
      BAOFOO_OUTBOX_BACKOFF_BASE_MS: '250',
      BAOFOO_OUTBOX_BACKOFF_FACTOR: '1.5',
      BAOFOO_OUTBOX_BACKOFF_MAX_MS: '60000',
      BAOFOO_OUTBOX_BACKOFF_JITTER: '0',
    });

    expect(options.outbox?.delivery).toEqual({ attempts: 4, timeoutMs: 5000, backoff: { baseMs: 250, factor: 1.5, maxMs: 60_000, jitter: 0 } });
  });

  it('reads the notification, refusal and database limits a deployment tunes', () => {
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_KEY: 'k',
      BAOFOO_MAX_PARAMETERS: '40',
      BAOFOO_READ_TIMEOUT_MS: '5000',
      BAOFOO_ADDITIONAL_INFO_MISMATCH: 'settle',
      BAOFOO_REFUSAL_WINDOW_SECONDS: '120',
      BAOFOO_REFUSAL_SAMPLES_PER_SOURCE: '2',
      BAOFOO_REFUSAL_MAX_SOURCES: '500',
      BAOFOO_REFUSAL_MAX_PENDING_SAMPLES: '50',
      BAOFOO_REFUSAL_FLUSH_MS: '2000',
      BAOFOO_RECONCILE_MAX_QUERIES_PER_MINUTE: '10',
      BAOFOO_DB_POOL_SIZE: '20',
      BAOFOO_DB_POOL_MIN: '3',
      BAOFOO_DB_IDLE_TIMEOUT_MS: '30000',
      BAOFOO_DB_STATEMENT_TIMEOUT_MS: '1200',
      BAOFOO_DB_CONNECT_TIMEOUT_MS: '800',
      BAOFOO_DB_ANSWER_WITHIN_MS: '1800',
      BAOFOO_DB_TOPOLOGY: 'transaction',
      BAOFOO_DB_PREPARED_STATEMENTS: 'false',
      BAOFOO_DB_LISTEN_URL: 'postgres://app@db-primary:5432/shop',
    });

    expect(options.notification).toMatchObject({
      maxParameters: 40,
      readTimeoutMs: 5000,
      additionalInfoMismatch: 'settle',
      refusals: { windowSeconds: 120, samplesPerSource: 2, maxSources: 500, maxPendingSamples: 50, flushIntervalMs: 2000 },
    });
    expect(options.reconciliation).toMatchObject({ maxQueriesPerMinute: 10 });
    const topology = { topology: 'transaction', preparedStatements: false, listenUrl: 'postgres://app@db-primary:5432/shop' };
    expect(options.database).toEqual({ poolSize: 20, poolMin: 3, idleTimeoutMs: 30_000, statementTimeoutMs: 1200, connectTimeoutMs: 800, answerWithinMs: 1800, ...topology });
    const resolved = resolveBaofooOptions(options);
    expect(resolved.database).toEqual({ poolSize: 20, poolMin: 3, idleTimeoutMs: 30_000, statementTimeoutMs: 1200, connectTimeoutMs: 800, answerWithinMs: 1800, settleBatchSize: 32, settleBatchesInFlight: 4, ...topology });
    expect(resolved.notification.additionalInfoMismatch).toBe('settle');
  });

  it('refuses at boot an unknown BAOFOO_ADDITIONAL_INFO_MISMATCH and a database number that is not one, naming the option', () => {
    const options = baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'k', BAOFOO_ADDITIONAL_INFO_MISMATCH: 'ignore', BAOFOO_DB_POOL_SIZE: 'ten' });
    expect(() => resolveBaofooOptions(options)).toThrow(/BAOFOO_ADDITIONAL_INFO_MISMATCH: must be review or settle, not "ignore"/);
    expect(() => resolveBaofooOptions(options)).toThrow(/BAOFOO_DB_POOL_SIZE: must be a whole number from 1 to 1000, not "ten"/);
  });

  it('refuses at boot an unknown BAOFOO_DB_TOPOLOGY, a BAOFOO_DB_PREPARED_STATEMENTS that is neither auto nor a boolean, and a BAOFOO_DB_LISTEN_URL that is not a postgres URL, naming each', () => {
    const options = baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'k', BAOFOO_DB_TOPOLOGY: 'statement', BAOFOO_DB_PREPARED_STATEMENTS: 'maybe', BAOFOO_DB_LISTEN_URL: 'http://db:5432' });
    expect(() => resolveBaofooOptions(options)).toThrow(/BAOFOO_DB_TOPOLOGY/);
    expect(() => resolveBaofooOptions(options)).toThrow(/BAOFOO_DB_PREPARED_STATEMENTS/);
    expect(() => resolveBaofooOptions(options)).toThrow(/BAOFOO_DB_LISTEN_URL/);
    expect(resolveBaofooOptions(baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'k' })).database).toMatchObject({ topology: 'auto', preparedStatements: 'auto', listenUrl: undefined });
  });

  it('has no merchant when neither BAOFOO_MEMBER_ID nor BAOFOO_TERMINAL_ID is set', () => {
    expect(baofooOptionsFromEnv({ BAOFOO_ENV: 'test', BAOFOO_KEY: 'k' }).merchants).toEqual([]);
  });

  it('names the current key from BAOFOO_KEY_ID', () => {
    expect(baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'k', BAOFOO_KEY_ID: 'k2025' }).merchants[0].keys).toEqual([{ id: 'k2025', secret: 'k', storage: 'plain' }]);
  });

  it('reads the key from BAOFOO_KEY_FILE', () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'from-a-file\n');

    expect(baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY_FILE: file }).merchants[0].keys[0].secret).toBe('from-a-file');
  });

  it('opens BAOFOO_KEY_ENCRYPTED and BAOFOO_PREVIOUS_KEY_ENCRYPTED with BAOFOO_MASTER_KEY', () => {
    const master = Buffer.from(MASTER_HEX, 'hex');
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_MASTER_KEY: MASTER_HEX,
      BAOFOO_KEY_ENCRYPTED: encryptKey('the-new-key', master),
      BAOFOO_PREVIOUS_KEY_ENCRYPTED: encryptKey('the-old-key', master),
      BAOFOO_PREVIOUS_KEY_RETIRES_AT: '2025-07-01T00:00:00+08:00',
    });

    expect(options.merchants[0].keys.map((k) => k.secret)).toEqual(['the-new-key', 'the-old-key']);
  });

  it('adds the previous key with its id and retirement time after the current key', () => {
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_KEY: 'the-new-key',
      BAOFOO_KEY_ID: 'k2025',
      BAOFOO_PREVIOUS_KEY: 'the-old-key',
      BAOFOO_PREVIOUS_KEY_ID: 'k2024',
      BAOFOO_PREVIOUS_KEY_RETIRES_AT: '2025-07-01T00:00:00+08:00',
    });

    expect(options.merchants).toEqual([
      {
        memberId: '100000178',
        terminalId: '10000001',
        keys: [
          { id: 'k2025', secret: 'the-new-key', storage: 'plain' },
          { id: 'k2024', secret: 'the-old-key', storage: 'plain', retiresAt: '2025-07-01T00:00:00+08:00' },
        ],
      },
    ]);
  });

  it('refuses a previous key without BAOFOO_PREVIOUS_KEY_RETIRES_AT instead of retiring it silently, saying what to set', () => {
    for (const previous of [{ BAOFOO_PREVIOUS_KEY: 'the-old-key' }, { BAOFOO_PREVIOUS_KEY_ENCRYPTED: encryptKey('the-old-key', MASTER), BAOFOO_MASTER_KEY: MASTER_HEX }]) {
      expect(() => baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'the-new-key', ...previous })).toThrow(BaofooConfigError);
      expect(() => baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'the-new-key', ...previous })).toThrow(/without BAOFOO_PREVIOUS_KEY_RETIRES_AT: set when .*BAOFOO_PREVIOUS_KEY_RETIRES_AT=2027/);
    }
  });

  it('refuses at boot a BAOFOO_PREVIOUS_KEY_RETIRES_AT already past', () => {
    const options = baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY: 'the-new-key', BAOFOO_PREVIOUS_KEY: 'the-old-key', BAOFOO_PREVIOUS_KEY_RETIRES_AT: '2025-07-01T00:00:00+08:00' });

    expect(() => resolveBaofooOptions(options, new Date('2025-07-01T00:00:00+08:00'))).toThrow(/key previous of merchant 100000178\/10000001 retired at 2025-06-30T16:00:00.000Z, already past/);
    expect(resolveBaofooOptions(options, new Date('2025-06-30T23:59:59+08:00')).keyRing.verificationKeys('100000178', '10000001', new Date('2025-06-30T23:59:59+08:00')).map((k) => k.id)).toEqual(['current', 'previous']);
  });

  it('notes how each key is stored, and a master key kept in the same env file as the ciphertext', () => {
    const sealed = encryptKey('the-new-key', MASTER);
    const env = { ...MERCHANT, BAOFOO_KEY_ENCRYPTED: sealed, BAOFOO_MASTER_KEY: MASTER_HEX };

    expect(baofooOptionsFromEnv(env).merchants[0].keys[0]).toEqual({ id: 'current', secret: 'the-new-key', storage: 'encrypted' });
    expect(baofooOptionsFromEnv(env, { BAOFOO_KEY_ENCRYPTED: sealed }).merchants[0].keys[0]).toEqual({ id: 'current', secret: 'the-new-key', storage: 'encrypted' });
    expect(baofooOptionsFromEnv(env, { BAOFOO_KEY_ENCRYPTED: sealed, BAOFOO_MASTER_KEY: MASTER_HEX }).merchants[0].keys[0]).toEqual({
      id: 'current',
      secret: 'the-new-key',
      storage: 'encrypted',
      masterKeyBeside: true,
    });
    // The platform's value overrides the file's placeholder: the master key does not come from the file.
    expect(baofooOptionsFromEnv(env, { BAOFOO_KEY_ENCRYPTED: sealed, BAOFOO_MASTER_KEY: 'placeholder' }).merchants[0].keys[0].masterKeyBeside).toBeUndefined();
    const keyFile = join(dir, 'mounted-key');
    writeFileSync(keyFile, 'from-a-mounted-secret\n');
    expect(baofooOptionsFromEnv({ ...MERCHANT, BAOFOO_KEY_FILE: keyFile, BAOFOO_KEY_FILE_IS_MOUNTED_SECRET: 'true' })).toMatchObject({
      keyFileIsMountedSecret: true,
      merchants: [{ keys: [{ storage: 'file' }] }],
    });
  });

  it('reads several merchants from BAOFOO_MERCHANTS, taking precedence over BAOFOO_MEMBER_ID', () => {
    const options = baofooOptionsFromEnv({
      ...MERCHANT,
      BAOFOO_KEY: 'ignored',
      SHOP_A_KEY: 'key-of-a',
      BAOFOO_MERCHANTS: JSON.stringify([
        {
          memberId: '100000201',
          terminalId: '10000201',
          keys: [
            { id: 'a2025', env: 'SHOP_A_KEY' },
            { id: 'a2024', value: 'old-key-of-a', retiresAt: '2025-07-01T00:00:00+08:00' },
          ],
        },
        { memberId: 100000202, terminalId: 10000202, keys: [{ id: 'b', value: 'key-of-b' }] },
      ]),
    });

    expect(options.merchants).toEqual([
      {
        memberId: '100000201',
        terminalId: '10000201',
        keys: [
          { id: 'a2025', secret: 'key-of-a', storage: 'plain', retiresAt: undefined },
          { id: 'a2024', secret: 'old-key-of-a', storage: 'plain', retiresAt: '2025-07-01T00:00:00+08:00' },
        ],
      },
      { memberId: '100000202', terminalId: '10000202', keys: [{ id: 'b', secret: 'key-of-b', storage: 'plain', retiresAt: undefined }] },
    ]);
  });

  it('names the merchant and key of a BAOFOO_MERCHANTS key that points at an unset variable', () => {
    const merchants = JSON.stringify([{ memberId: '100000201', terminalId: '10000201', keys: [{ id: 'a2025', env: 'SHOP_A_KEY' }] }]);

    expect(() => baofooOptionsFromEnv({ BAOFOO_ENV: 'test', BAOFOO_MERCHANTS: merchants })).toThrow(/^key a2025 of merchant 100000201: no key is set: set BAOFOO_MERCHANTS\[0\]\.keys\[0\]\.encrypted \(opened with BAOFOO_MASTER_KEY\), BAOFOO_MERCHANTS\[0\]\.keys\[0\]\.file or SHOP_A_KEY$/);
  });

  it('refuses BAOFOO_MERCHANTS that is not JSON with a BaofooConfigError naming the variable, without echoing its text', () => {
    const broken = '[{"memberId":"100000201","terminalId":"10000201","keys":[{"id":"a","value":"s3cret-key"}]';
    let error: unknown;
    try {
      baofooOptionsFromEnv({ BAOFOO_ENV: 'test', BAOFOO_MERCHANTS: broken });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(BaofooConfigError);
    expect((error as BaofooConfigError).code).toBe('CONFIG_INVALID');
    expect((error as BaofooConfigError).message).toMatch(/BAOFOO_MERCHANTS is not valid JSON/);
    expect((error as BaofooConfigError).message).not.toContain('s3cret-key');
  });

  it.each([
    ['an object', '{"memberId":"1"}'],
    ['a merchant without a keys array', '[{"memberId":"1","terminalId":"2"}]'],
    ['null', 'null'],
  ])('refuses BAOFOO_MERCHANTS holding %s, showing the expected shape', (_case, text) => {
    expect(() => baofooOptionsFromEnv({ BAOFOO_ENV: 'test', BAOFOO_MERCHANTS: text })).toThrow(BaofooConfigError);
    expect(() => baofooOptionsFromEnv({ BAOFOO_ENV: 'test', BAOFOO_MERCHANTS: text })).toThrow(/BAOFOO_MERCHANTS must be a JSON array like/);
  });
});

describe('baofooConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('registers the options read from process.env under the baofoo namespace', () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('BAOFOO_')) delete process.env[name];
    Object.assign(process.env, { ...MERCHANT, BAOFOO_KEY: 'from-process-env' });

    expect(baofooConfig.KEY).toBe('CONFIGURATION(baofoo)');
    expect(baofooConfig().merchants[0].keys[0].secret).toBe('from-process-env');
  });
});

describe('envFilePaths', () => {
  it('picks the env file of NODE_ENV', () => {
    expect(envFilePaths('production')).toEqual(['config/production.env']);
    expect(envFilePaths('test')).toEqual(['config/test.env']);
  });
});
