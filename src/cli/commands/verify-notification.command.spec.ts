import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { loadCliEnv } from '../cli-env.ts';
import { CliFailure } from '../cli-failure.ts';
import { memoryIo } from '../cli-io.ts';
import { runVerifyNotification } from './verify-notification.command.ts';

const DEVELOPMENT = loadCliEnv({ NODE_ENV: 'development' }, fileURLToPath(new URL('../../..', import.meta.url)));

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

function md5Sign(fields: Record<string, string>, key: string, encode: (s: string) => Buffer = (s) => Buffer.from(s, 'utf8')): string {
  const text = `${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('~|~')}~|~Md5Sign=${key}`;
  return createHash('md5').update(encode(text)).digest('hex');
}

const query = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const signed = (key = 'abcdefg', fields: Record<string, string> = RESULT) => query({ ...fields, Md5Sign: md5Sign(fields, key) });

async function verify(text: string, env = DEVELOPMENT, now?: Date) {
  const io = memoryIo({ now });
  const code = await runVerifyNotification([text], env, io);
  return { code, out: io.stdout.join('\n') };
}

describe('verify-notification', () => {
  it('prints valid with the merchant and key id, and exits 0, for a result signed with the development key', async () => {
    expect(await verify(signed())).toEqual({ code: 0, out: 'valid (merchant 100000178/10000001, key current)' });
  });

  it.each([
    ['a leading question mark', (q: string) => `?${q}`],
    ['a whole notification URL', (q: string) => `http://127.0.0.1:3000/baofoo/return?${q}`],
    ['surrounding whitespace', (q: string) => `  ${q}\n`],
  ])('accepts the query string with %s', async (_case, wrap) => {
    expect((await verify(wrap(signed()))).code).toBe(0);
  });

  it('accepts unsigned extra fields the gateway adds', async () => {
    expect((await verify(`${signed()}&BankID=3002`)).code).toBe(0);
  });

  it('prints invalid naming the merchant, the key ids tried and the charset, and exits 1, for a tampered amount', async () => {
    const { code, out } = await verify(signed().replace('FactMoney=100', 'FactMoney=1'));

    expect(code).toBe(1);
    expect(out).toBe('invalid: Md5Sign does not verify for merchant 100000178/10000001; keys tried: current; charset utf-8');
  });

  it('never prints the key or the signed string', async () => {
    const { out } = await verify(signed('another-key'));

    expect(out).not.toContain('abcdefg');
    expect(out).not.toContain('~|~');
    expect(out).not.toContain('Md5Sign=');
  });

  it('says when the merchant is not configured, and that no key was tried', async () => {
    const fields = { ...RESULT, TerminalID: '10000002' };
    const { code, out } = await verify(signed('abcdefg', fields));

    expect(code).toBe(1);
    expect(out).toBe('invalid: merchant 100000178/10000002 is not configured (configured: 100000178/10000001); no key tried; charset utf-8');
  });

  it('says which fields are missing', async () => {
    const { code, out } = await verify(query(RESULT));

    expect(code).toBe(1);
    expect(out).toBe('invalid: NOTIFICATION_MALFORMED: missing or repeated fields: Md5Sign; charset utf-8');
  });

  it('refuses a repeated parameter, since which copy was signed would be a guess', async () => {
    const { code, out } = await verify(`${signed()}&FactMoney=1`);

    expect(code).toBe(1);
    expect(out).toMatch(/^invalid: FORM_DUPLICATE_PARAMETER: parameter FactMoney appears more than once/);
  });

  describe('with a GBK merchant', () => {
    const GBK = { ...DEVELOPMENT, BAOFOO_CHARSET: 'gbk' };
    const gbk = (s: string) => iconv.encode(s, 'gbk');
    const gbkQuery = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([k, v]) => `${k}=${[...gbk(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`)
        .join('&');

    it('verifies a result whose Chinese text and signature are in GBK', async () => {
      expect(await verify(gbkQuery({ ...RESULT, Md5Sign: md5Sign(RESULT, 'abcdefg', gbk) }), GBK)).toEqual({
        code: 0,
        out: 'valid (merchant 100000178/10000001, key current)',
      });
    });

    it('is told apart from a UTF-8 merchant, which names the charset it tried', async () => {
      const { code, out } = await verify(gbkQuery({ ...RESULT, Md5Sign: md5Sign(RESULT, 'abcdefg', gbk) }), DEVELOPMENT);

      expect(code).toBe(1);
      expect(out).toBe('invalid: Md5Sign does not verify for merchant 100000178/10000001; keys tried: current; charset utf-8');
    });
  });

  describe('with a rotated key', () => {
    const ROTATED = {
      ...DEVELOPMENT,
      BAOFOO_KEY: 'the-new-key',
      BAOFOO_KEY_ID: 'k2025',
      BAOFOO_PREVIOUS_KEY: 'abcdefg',
      BAOFOO_PREVIOUS_KEY_ID: 'k2024',
      BAOFOO_PREVIOUS_KEY_RETIRES_AT: '2025-07-01T00:00:00+08:00',
    };

    it('verifies with the previous key until it retires', async () => {
      expect(await verify(signed(), ROTATED, new Date('2025-06-30T12:00:00+08:00'))).toEqual({ code: 0, out: 'valid (merchant 100000178/10000001, key k2024)' });
    });

    it('lists the retired key it did not try once the key has retired', async () => {
      const { code, out } = await verify(signed(), ROTATED, new Date('2025-07-01T00:00:00+08:00'));

      expect(code).toBe(1);
      expect(out).toBe(
        'invalid: Md5Sign does not verify for merchant 100000178/10000001; keys tried: k2025; retired keys not tried: k2024 (retired 2025-06-30T16:00:00.000Z); charset utf-8',
      );
    });
  });

  it('fails to run without exactly one argument', async () => {
    await expect(runVerifyNotification([], DEVELOPMENT, memoryIo())).rejects.toThrow(CliFailure);
    await expect(runVerifyNotification(['a=1', 'b=2'], DEVELOPMENT, memoryIo())).rejects.toThrow(/takes one argument/);
  });

  it('fails to run on a configuration the app would refuse, naming NODE_ENV and the problem', async () => {
    const broken = { ...DEVELOPMENT, BAOFOO_SANDBOX_URL: '' };

    await expect(runVerifyNotification([signed()], broken, memoryIo())).rejects.toThrow(
      /configuration of NODE_ENV=development \(config\/development\.env and the environment\) cannot be used: .*\n.*BAOFOO_ENV is sandbox: set BAOFOO_SANDBOX_URL to the sandbox gateway/,
    );
  });
});
