import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadCliEnv } from '../cli-env.ts';
import { CliFailure } from '../cli-failure.ts';
import { memoryIo } from '../cli-io.ts';
import { runSignRequest } from './sign-request.command.ts';
import { md5 } from '../../../test/support/independent-md5.ts';

const DEVELOPMENT = loadCliEnv({ NODE_ENV: 'development' }, fileURLToPath(new URL('../../..', import.meta.url)));

const ARGS = [
  '--trans-id',
  'T2025031409301500001',
  '--money',
  '1',
  '--pay-id',
  '3002',
  '--trade-date',
  '20250314093015',
  '--page-url',
  'https://shop.example.com/baofoo/return',
  '--return-url',
  'https://shop.example.com/baofoo/notify',
];

async function sign(args: string[], env = DEVELOPMENT, now?: Date) {
  const io = memoryIo({ now });
  const code = await runSignRequest(args, env, io);
  return { code, text: io.stdout.join('\n'), printed: code === 0 ? JSON.parse(io.stdout.join('\n')) : undefined };
}

describe('sign-request', () => {
  it('prints the fields with a Signature that is the md5 of the spec string ending with the development key', async () => {
    const { code, printed } = await sign(ARGS);

    expect(code).toBe(0);
    expect(printed.action).toBe('http://127.0.0.1:3100/payindex');
    expect(printed.keyId).toBe('current');
    expect(printed.fields).toMatchObject({ MemberID: '100000178', TerminalID: '10000001', PayID: '3002', TradeDate: '20250314093015', OrderMoney: '1', NoticeType: '1' });
    expect(printed.fields.Signature).toBe(
      md5('100000178|3002|20250314093015|T2025031409301500001|1|https://shop.example.com/baofoo/return|https://shop.example.com/baofoo/notify|1|abcdefg'),
    );
  });

  it('never prints the key or the signed string', async () => {
    const { text } = await sign(ARGS);

    expect(text).not.toContain('abcdefg');
    expect(text).not.toMatch(/\|1\|/);
  });

  it('defaults TradeDate to now in Shanghai, TransID to a fresh one, PayID to the cashier and the addresses to the configured ones', async () => {
    const { printed } = await sign(['--money', '250'], DEVELOPMENT, new Date('2025-03-14T01:30:15Z'));
    const { printed: again } = await sign(['--money', '250'], DEVELOPMENT, new Date('2025-03-14T01:30:15Z'));
    const f = printed.fields;

    expect(f).toMatchObject({ TradeDate: '20250314093015', PayID: '', PageUrl: 'http://127.0.0.1:3000/baofoo/return', ReturnUrl: 'http://127.0.0.1:3000/baofoo/notify' });
    expect(f.TransID).toMatch(/^[A-Za-z0-9]{8,20}$/);
    expect(again.fields.TransID).not.toBe(f.TransID);
    expect(f.Signature).toBe(md5(`100000178||20250314093015|${f.TransID}|250|${f.PageUrl}|${f.ReturnUrl}|1|abcdefg`));
  });

  it('posts to the test gateway when BAOFOO_ENV is test', async () => {
    const { printed } = await sign(ARGS, { ...DEVELOPMENT, BAOFOO_ENV: 'test', BAOFOO_SANDBOX_URL: '' });

    expect(printed.action).toBe('https://vgw.baofoo.com/payindex');
  });

  it('signs for the merchant named with --merchant', async () => {
    const env = {
      ...DEVELOPMENT,
      BAOFOO_MERCHANTS: JSON.stringify([
        { memberId: '100000178', terminalId: '10000001', keys: [{ id: 'a', value: 'abcdefg' }] },
        { memberId: '100000201', terminalId: '10000201', keys: [{ id: 'b', value: 'key-of-b' }] },
      ]),
    };
    const { printed } = await sign([...ARGS, '--merchant', '100000201/10000201'], env);

    expect(printed.keyId).toBe('b');
    expect(printed.fields.Signature).toBe(
      md5('100000201|3002|20250314093015|T2025031409301500001|1|https://shop.example.com/baofoo/return|https://shop.example.com/baofoo/notify|1|key-of-b'),
    );
  });

  it('prints invalid and exits 1 for a request the gateway would refuse', async () => {
    const { code, text } = await sign([...ARGS.slice(0, 6), '--trade-date', '20250230093015', ...ARGS.slice(8)]);

    expect(code).toBe(1);
    expect(text).toBe('invalid: PAYMENT_REQUEST_INVALID: TradeDate must be a valid yyyyMMddHHmmss time');
  });

  it.each([
    ['without --money', ['--trans-id', 'T2025031409301500001'], /--money is required/],
    ['with an amount in yuan', ['--money', '0.01'], /--money must be a whole number of fen/],
    ['with an unknown option', ['--money', '1', '--amount', '2'], /Unknown option '--amount'/],
    ['with an unknown merchant', ['--money', '1', '--merchant', '1/2'], /merchant 1\/2 is not configured \(configured: 100000178\/10000001\)/],
  ])('fails to run %s', async (_case, args, message) => {
    const run = runSignRequest(args, DEVELOPMENT, memoryIo());

    await expect(run).rejects.toThrow(CliFailure);
    await expect(runSignRequest(args, DEVELOPMENT, memoryIo())).rejects.toThrow(message);
  });
});
