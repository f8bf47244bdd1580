import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decryptKey } from '../../src/baofoo/config/key-encryption.ts';
import { md5 } from '../support/independent-md5.ts';
import { buildCli, ROOT } from './cli-build.ts';

let build: ReturnType<typeof buildCli> | undefined;

beforeAll(() => {
  build = buildCli();
});

afterAll(() => build?.remove());

function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const result = spawnSync(process.execPath, [build!.main, ...args], {
    cwd: ROOT,
    // Nothing from the runner's environment but PATH: the config comes from config/<NODE_ENV>.env.
    env: { PATH: process.env.PATH ?? '', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const RESULT = {
  MemberID: '100000178',
  TerminalID: '10000001',
  TransID: 'T2025031409301500001',
  Result: '1',
  ResultDesc: '01',
  FactMoney: '100',
  AdditionalInfo: '订单备注',
  SuccTime: '20250314093520',
};
const NOTIFICATION = new URLSearchParams({
  ...RESULT,
  Md5Sign: md5(`${Object.entries(RESULT).map(([k, v]) => `${k}=${v}`).join('~|~')}~|~Md5Sign=abcdefg`),
}).toString();

describe('the baofoo CLI with the development configuration', () => {
  it('prints a signed payment request whose Signature is the md5 of the spec string, never the key', () => {
    const { code, stdout } = cli(['sign-request', '--trans-id', 'T2025031409301500001', '--money', '1', '--pay-id', '3002', '--trade-date', '20250314093015']);

    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.action).toBe('http://127.0.0.1:3100/payindex');
    expect(printed.fields.Signature).toBe(
      md5('100000178|3002|20250314093015|T2025031409301500001|1|http://127.0.0.1:3000/baofoo/return|http://127.0.0.1:3000/baofoo/notify|1|abcdefg'),
    );
    expect(stdout).not.toContain('abcdefg');
  });

  it('prints valid and exits 0 for a notification signed with the published test key', () => {
    expect(cli(['verify-notification', NOTIFICATION])).toMatchObject({ code: 0, stdout: 'valid (merchant 100000178/10000001, key current)\n' });
  });

  it('prints invalid, saying what was tried, and exits 1 for a tampered notification', () => {
    const { code, stdout } = cli(['verify-notification', NOTIFICATION.replace('FactMoney=100', 'FactMoney=1')]);

    expect(code).toBe(1);
    expect(stdout).toBe('invalid: Md5Sign does not verify for merchant 100000178/10000001; keys tried: current; charset utf-8\n');
  });

  it('lets a variable of the process environment win over the env file', () => {
    expect(cli(['verify-notification', NOTIFICATION], { env: { BAOFOO_KEY: 'another-key' } }).code).toBe(1);
  });

  it('prints the golden query answer as JSON and exits 0, and exits 1 for a plain-text answer', () => {
    const good = cli(['parse-query-answer', '100000178|10000001|2014010101010101|N|0|20141029184503|b4d6a91f6af4ce07c87420762d73d0e0']);
    const bad = cli(['parse-query-answer', 'MemberID error']);

    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ transId: '2014010101010101', checkResult: 'N' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^invalid: QUERY_ANSWER_UNPARSEABLE: /);
  });

  it('encrypts a key piped on stdin under BAOFOO_MASTER_KEY', () => {
    const masterHex = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const { code, stdout } = cli(['encrypt-key'], { env: { BAOFOO_MASTER_KEY: masterHex }, input: 'a-production-key-7Qz\n' });

    expect(code).toBe(0);
    expect(decryptKey(stdout.trim().replace(/^BAOFOO_KEY_ENCRYPTED=/, ''), Buffer.from(masterHex, 'hex'))).toBe('a-production-key-7Qz');
  });

  it('exits 2 naming NODE_ENV when the configuration cannot be used', () => {
    const { code, stderr } = cli(['verify-notification', NOTIFICATION], { env: { NODE_ENV: 'no-such-environment' } });

    expect(code).toBe(2);
    expect(stderr).toMatch(/the configuration of NODE_ENV=no-such-environment \(config\/no-such-environment\.env and the environment\) cannot be used/);
  });

  it('prints doctor\'s findings as one JSON document with --json, and its exit code says whether it is ready', () => {
    const { code, stdout } = cli(['doctor', '--json']);
    const report = JSON.parse(stdout) as { nodeEnv: string; ready: boolean; findings: { ok: boolean; check: string; detail: string }[] };

    expect(report.nodeEnv).toBe('development');
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ ok: true, check: 'signature self-test' })]));
    expect(code).toBe(report.ready ? 0 : 1);
    expect(report.ready).toBe(report.findings.every((f) => f.ok));
  });

  it('exits 2 for an unknown command', () => {
    expect(cli(['nope'])).toMatchObject({ code: 2, stdout: '' });
  });
});
