import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closedPort, md5, MerchantStub, postForm, querySignature, resultSignature, signedForm, submit } from '../sandbox/support.ts';
import { buildCli, ROOT } from './cli-build.ts';

/*
 * `npx baofoo sandbox` as a user runs it: a child process on a free port,
 * with its merchant and a fault given by flags, a payment and an order
 * query against it over HTTP, and SIGTERM to stop it.
 */

const MERCHANT = { memberId: '100000777', terminalId: '10000077', key: 'flag-key-7Qz' };
/** Nothing of the runner's environment but PATH: the repository's config/development.env says SANDBOX_PORT=3100, the flag must win. */
const ENV = { PATH: process.env.PATH ?? '' };

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(main: string, args: string[]): Running {
  const child = spawn(process.execPath, [main, 'sandbox', ...args], { cwd: ROOT, env: ENV });
  const running: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (running.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (running.stderr += chunk));
  return running;
}

/** The URL of the ready line on stdout; rejects if the process exits first, or after a deadline only a hang misses. */
function ready(running: Running): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => done(new Error(`no ready line within 30 s; stderr: ${running.stderr}`)), 30_000);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(running.stdout)?.[1];
      if (url) done(undefined, url);
    };
    const exited = () => done(new Error(`exited before it was ready; stderr: ${running.stderr}`));
    function done(error?: Error, url?: string) {
      clearTimeout(deadline);
      running.child.stdout.off('data', check);
      running.child.off('exit', exited);
      if (error) reject(error);
      else resolve(url!);
    }
    running.child.stdout.on('data', check);
    running.child.once('exit', exited);
    check();
  });
}

describe('npx baofoo sandbox', () => {
  let build: ReturnType<typeof buildCli>;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    build = buildCli();
    await merchant.start();
  });

  afterAll(async () => {
    await merchant.stop();
    build?.remove();
  });

  it('serves a payment and an order query for the merchant of its flags, applies a fault flag, and exits 0 on SIGTERM', async () => {
    const port = await closedPort();
    const sandbox = start(build.main, [
      '--port', String(port),
      '--member-id', MERCHANT.memberId, '--terminal-id', MERCHANT.terminalId, '--key', MERCHANT.key,
      '--retry-delays', '0',
      '--duplicates', '2',
    ]);
    try {
      const url = await ready(sandbox);
      expect(url).toBe(`http://127.0.0.1:${port}`);

      const form = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, OrderMoney: '1234' }, MERCHANT);
      const { res, cashier } = await submit(`${url}/payindex`, form);
      expect(res.status).toBe(200);
      expect(cashier).toMatch(/^\/cashier\//);

      const paid = await fetch(`${url}/_sandbox/payments/${form.TransID}/outcome`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ result: 'paid', wait: true }),
      });
      expect(paid.status).toBe(200);

      // --duplicates 2: each attempt arrives as two identical, correctly signed requests.
      const notifications = merchant.notificationsFor(form.TransID);
      expect(notifications).toHaveLength(2);
      for (const n of notifications) {
        expect(n.fields).toMatchObject({ MemberID: MERCHANT.memberId, TransID: form.TransID, Result: '1', FactMoney: '1234' });
        expect(n.fields.Md5Sign).toBe(resultSignature(n.fields, MERCHANT.key));
      }

      const query = await postForm(
        `${url}/order/query`,
        new URLSearchParams({ MemberID: MERCHANT.memberId, TerminalID: MERCHANT.terminalId, TransID: form.TransID, MD5Sign: querySignature(MERCHANT.memberId, MERCHANT.terminalId, form.TransID, MERCHANT.key) }).toString(),
      );
      const answer = (await query.text()).split('|');
      expect(answer.slice(0, 5)).toEqual([MERCHANT.memberId, MERCHANT.terminalId, form.TransID, 'Y', '1234']);
      expect(answer[6]).toBe(md5([...answer.slice(0, 6), MERCHANT.key].join('|')));
    } finally {
      sandbox.child.kill('SIGTERM');
    }
    expect(await sandbox.exited).toEqual({ code: 0, signal: null });
    expect(sandbox.stderr).toContain('sandbox stopped (SIGTERM)');
    expect(`${sandbox.stdout}${sandbox.stderr}`).not.toContain(MERCHANT.key);
  }, 60_000);

  it('exits 2 naming the flag when a fault flag is out of range, before it listens', () => {
    const result = spawnSync(process.execPath, [build.main, 'sandbox', '--port', '0', '--duplicates', '0'], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 30_000 });

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sandbox: --duplicates must be an integer from 1 to 50/);
  });

  it('prints every flag on --help, to stdout, and exits 0', () => {
    const result = spawnSync(process.execPath, [build.main, 'sandbox', '--help'], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 30_000 });

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npx baofoo sandbox /);
    for (const flag of ['--port', '--member-id', '--key', '--retry-delays', '--drop-notification', '--duplicates', '--out-of-order', '--corrupt-signature', '--query-status']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
