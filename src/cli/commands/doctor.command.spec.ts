import { describe, expect, it } from '@jest/globals';
import { baofooOptionsFromEnv } from '../../baofoo/config/baofoo-env.config.ts';
import { encryptKey } from '../../baofoo/config/key-encryption.ts';
import { BaofooConfigError, resolveBaofooOptions } from '../../baofoo/config/resolve-options.ts';
import { doctorFindings } from './doctor.command.ts';

const MASTER_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const SEALED = encryptKey('a-real-production-key-7Qz', Buffer.from(MASTER_HEX, 'hex'));

const PRODUCTION = {
  NODE_ENV: 'production',
  BAOFOO_ENV: 'production',
  BAOFOO_MEMBER_ID: '100012345',
  BAOFOO_TERMINAL_ID: '10012345',
  BAOFOO_KEY_ENCRYPTED: SEALED,
  BAOFOO_MASTER_KEY: MASTER_HEX,
  BAOFOO_PUBLIC_BASE_URL: 'https://shop.example.com',
  BAOFOO_NOTIFY_PATH: '/baofoo/notify/9f2c61d07a3b4e5f',
  BAOFOO_ALLOWED_IPS: '203.0.113.0/24',
  BAOFOO_BOUND_DOMAINS: 'shop.example.com',
};

/** What boot says about an env, as a list of problems (empty when it boots). */
function bootProblems(env: Record<string, string | undefined>, fromFiles: Record<string, string> = {}): string[] {
  try {
    resolveBaofooOptions(baofooOptionsFromEnv(env, fromFiles), new Date());
    return [];
  } catch (e) {
    if (e instanceof BaofooConfigError) return e.problems;
    throw e;
  }
}

async function configurationFixes(env: Record<string, string | undefined>, fromFiles: Record<string, string> = {}): Promise<string[]> {
  return (await doctorFindings(env, fromFiles)).filter((f) => !f.ok && f.check !== 'database').map((f) => f.detail);
}

describe('doctor', () => {
  it.each<[string, Record<string, string | undefined>, Record<string, string>]>([
    ['a deployable production configuration', {}, {}],
    ['a plain key', { BAOFOO_KEY_ENCRYPTED: undefined, BAOFOO_MASTER_KEY: undefined, BAOFOO_KEY: 'a-real-production-key-7Qz' }, {}],
    ['the master key in the env file beside the ciphertext', {}, { BAOFOO_KEY_ENCRYPTED: SEALED, BAOFOO_MASTER_KEY: MASTER_HEX }],
    ['the default notification path, no public URL and no allowlist', { BAOFOO_NOTIFY_PATH: undefined, BAOFOO_PUBLIC_BASE_URL: undefined, BAOFOO_ALLOWED_IPS: undefined }, {}],
    ['the published test merchant', { BAOFOO_MEMBER_ID: '100000178', BAOFOO_TERMINAL_ID: '10000001' }, {}],
  ])('reports exactly what boot refuses for %s', async (_case, patch, fromFiles) => {
    const env = { ...PRODUCTION, ...patch };
    const expected = bootProblems(env, fromFiles);

    expect(await configurationFixes(env, fromFiles)).toEqual(expected);
  });

  it('finds nothing to fix in a configuration production boots with, and several things in one it refuses', async () => {
    expect(await configurationFixes(PRODUCTION)).toEqual([]);
    const fixes = await configurationFixes({ ...PRODUCTION, BAOFOO_NOTIFY_PATH: undefined, BAOFOO_PUBLIC_BASE_URL: undefined });
    expect(fixes).toEqual([expect.stringMatching(/default \/baofoo\/notify/), expect.stringMatching(/^BAOFOO_PUBLIC_BASE_URL is not set/)]);
  });

  it.each(['development', 'test', 'production'])('in %s, without DATABASE_URL, says the database was not checked and how to name it, in words for the user\'s app', async (nodeEnv) => {
    const findings = await doctorFindings({ ...PRODUCTION, NODE_ENV: nodeEnv, BAOFOO_ENV: nodeEnv === 'production' ? 'production' : 'test' });
    const database = findings.find((f) => f.check === 'database')!;
    expect(database.ok).toBe(false);
    expect(database.detail).toContain('DATABASE_URL is not set');
    expect(database.detail).toContain('set DATABASE_URL=postgres://');
    expect(database.detail).toContain('baofooPostgresOptions({ url })');
    expect(database.detail).not.toMatch(/embedded|npm start/);
  });

  it('names a missing env file: a note when the environment sets BAOFOO_ENV, a fix when nothing does', async () => {
    const noted = await doctorFindings({ ...PRODUCTION, NODE_ENV: 'staging' }, {}, ['config/staging.env']);
    expect(noted.find((f) => f.check === 'warning')).toMatchObject({ ok: true, detail: expect.stringMatching(/^config\/staging\.env, the env file of NODE_ENV=staging, does not exist/) });

    const missing = (await doctorFindings({ NODE_ENV: 'staging' }, {}, ['config/staging.env'])).filter((f) => !f.ok && f.check === 'configuration');
    expect(missing[0].detail).toMatch(/^config\/staging\.env, the env file of NODE_ENV=staging, does not exist .* and BAOFOO_ENV is not set in the environment: create config\/staging\.env/);
  });
});
