import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadCliEnv } from '../cli-env.ts';
import { CliFailure } from '../cli-failure.ts';
import { memoryIo } from '../cli-io.ts';
import { runParseQueryAnswer } from './parse-query-answer.command.ts';
import { md5 } from '../../../test/support/independent-md5.ts';

const DEVELOPMENT = loadCliEnv({ NODE_ENV: 'development' }, fileURLToPath(new URL('../../..', import.meta.url)));
const answer = (fields: string[], key = 'abcdefg') => [...fields, md5([...fields, key].join('|'))].join('|');

async function parse(text: string, env = DEVELOPMENT) {
  const io = memoryIo();
  const code = await runParseQueryAnswer([text], env, io);
  return { code, out: io.stdout.join('\n') };
}

describe('parse-query-answer', () => {
  it('prints the typed answer of the document’s golden vector as JSON and exits 0', async () => {
    const { code, out } = await parse('100000178|10000001|2014010101010101|N|0|20141029184503|b4d6a91f6af4ce07c87420762d73d0e0');

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ memberId: '100000178', terminalId: '10000001', transId: '2014010101010101', checkResult: 'N', succMoney: 0, succTime: '20141029184503' });
  });

  it('reads a paid answer with its amount in fen', async () => {
    const { code, out } = await parse(answer(['100000178', '10000001', 'T2025031409301500001', 'Y', '12345', '20250314093520']));

    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ checkResult: 'Y', succMoney: 12345 });
  });

  it('prints the error code, the merchant, the key ids tried and the charset, and exits 1, for a bad signature', async () => {
    const { code, out } = await parse(answer(['100000178', '10000001', 'T2025031409301500001', 'Y', '12345', '20250314093520'], 'another-key'));

    expect(code).toBe(1);
    expect(out).toBe('invalid: QUERY_ANSWER_BAD_SIGNATURE: the answer signature does not verify (merchant 100000178/10000001; keys tried: current; charset utf-8)');
    expect(out).not.toContain('abcdefg');
  });

  it('prints QUERY_ANSWER_UNPARSEABLE and exits 1 for the plain-text message the gateway sends on bad parameters', async () => {
    const { code, out } = await parse('参数错误');

    expect(code).toBe(1);
    expect(out).toBe('invalid: QUERY_ANSWER_UNPARSEABLE: the gateway answered something other than the seven fields: 参数错误');
  });

  it('prints QUERY_ANSWER_UNKNOWN_MERCHANT and exits 1 for another merchant’s answer', async () => {
    const { code, out } = await parse(answer(['100000999', '10000001', 'T2025031409301500001', 'N', '0', '']));

    expect(code).toBe(1);
    expect(out).toMatch(/^invalid: QUERY_ANSWER_UNKNOWN_MERCHANT: the answer names merchant 100000999\/10000001/);
  });

  it('fails to run without exactly one argument', async () => {
    await expect(runParseQueryAnswer([], DEVELOPMENT, memoryIo())).rejects.toThrow(CliFailure);
  });
});
