import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { runCli } from '../../src/cli/main.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { md5, TEST_MERCHANT } from './support.ts';

describe('npx baofoo query <TransID>', () => {
  let sandbox: SandboxGateway;
  const env = () => ({
    NODE_ENV: 'test',
    BAOFOO_ENV: 'sandbox',
    BAOFOO_SANDBOX_URL: sandbox.url,
    BAOFOO_MEMBER_ID: TEST_MERCHANT.memberId,
    BAOFOO_TERMINAL_ID: TEST_MERCHANT.terminalId,
    BAOFOO_KEY: TEST_MERCHANT.key,
    BAOFOO_RECONCILE_CRON: '*/30 * * * * *',
    BAOFOO_QUERY_TIMEOUT_MS: '2000',
  });

  beforeAll(async () => {
    sandbox = await startSandboxGateway({ retryDelaysMs: [0] });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('sends a query signed as spec §4 says and prints the verified answer', async () => {
    const io = memoryIo();
    expect(await runCli(['query', '2014010101010101'], env(), io)).toBe(0);
    const [sent] = sandbox.queries('2014010101010101');
    expect(sent.fields.MD5Sign).toBe(md5(`${TEST_MERCHANT.memberId}|${TEST_MERCHANT.terminalId}|2014010101010101|${TEST_MERCHANT.key}`));
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ memberId: TEST_MERCHANT.memberId, transId: '2014010101010101', checkResult: 'N', succMoney: 0, meaning: 'no such order' });
  });

  it('prints the typed error and exits 1 when the gateway fails', async () => {
    sandbox.setFaults({ queryStatus: 503 }, { transId: 'FAILING000000001' });
    const io = memoryIo();
    expect(await runCli(['query', 'FAILING000000001'], env(), io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/^error: QUERY_HTTP_STATUS: .*HTTP 503/);
  });

  it('refuses something that is not a TransID without sending anything', async () => {
    const io = memoryIo();
    const before = sandbox.queries().length;
    expect(await runCli(['query', 'not-a-trans-id'], env(), io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('is not a TransID');
    expect(sandbox.queries()).toHaveLength(before);
  });
});
