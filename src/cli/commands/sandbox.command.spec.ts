import { describe, expect, it } from '@jest/globals';
import { memoryIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';
import { SANDBOX_ARGS, sandboxOptionsFrom, type SandboxArgs } from './sandbox-flags.ts';
import { runSandbox } from './sandbox.command.ts';

const optionsOf = (args: string[], env: Record<string, string> = {}) => sandboxOptionsFrom(parseCommandArgs(args, SANDBOX_ARGS).values as SandboxArgs, env);

describe('baofoo sandbox flags', () => {
  it('default to port 3100 on loopback, the published test merchant and no faults', () => {
    expect(optionsOf([])).toEqual({
      port: 3100,
      host: '127.0.0.1',
      merchants: undefined,
      retryDelaysMs: undefined,
      notifyMethod: undefined,
      labelCharset: false,
      queryMinIntervalMs: 0,
      faults: {},
    });
  });

  it('map every server flag, and win over the SANDBOX_* variables', () => {
    const env = { SANDBOX_PORT: '3300', SANDBOX_HOST: '0.0.0.0', SANDBOX_RETRY_DELAYS_MS: '9', SANDBOX_LABEL_CHARSET: 'true' };

    expect(optionsOf(['--port', '3200', '--retry-delays', '0, 5,10', '--notify-method', 'get', '--query-min-interval', '60000'], env)).toMatchObject({
      port: 3200,
      host: '0.0.0.0',
      retryDelaysMs: [0, 5, 10],
      notifyMethod: 'GET',
      labelCharset: true,
      queryMinIntervalMs: 60000,
    });
  });

  it('take one merchant from --member-id, --terminal-id and --key together, or several from --merchants', () => {
    expect(optionsOf(['--member-id', '100000999', '--terminal-id', '10000002', '--key', 'k', '--charset', 'gbk']).merchants).toEqual([
      { memberId: '100000999', terminalId: '10000002', key: 'k', charset: 'gbk' },
    ]);
    expect(optionsOf([], { SANDBOX_MERCHANTS: '[{"memberId":"1","terminalId":"2","key":"k"}]' }).merchants).toEqual([{ memberId: '1', terminalId: '2', key: 'k' }]);
    expect(() => optionsOf(['--member-id', '100000999'])).toThrow('--member-id, --terminal-id and --key go together');
  });

  it('set each fault, over the --faults JSON', () => {
    const faults = optionsOf([
      '--faults', '{"duplicates":5,"delayMs":7}',
      '--drop-notification', '--duplicates', '2', '--out-of-order', 'failure-after-success', '--corrupt-signature',
      '--extra-field', 'BankID=3002', '--extra-field', 'Note=a=b', '--result-charset', 'gbk', '--notify-timing', 'after-browser',
      '--query-delay', '50', '--query-status', '503', '--query-garbage',
    ]).faults;

    expect(faults).toEqual({
      dropNotification: true,
      duplicates: 2,
      delayMs: 7,
      outOfOrder: 'failure-after-success',
      corruptSignature: true,
      extraFields: { BankID: '3002', Note: 'a=b' },
      charset: 'gbk',
      notifyTiming: 'after-browser',
      queryDelayMs: 50,
      queryStatus: 503,
      queryGarbage: true,
    });
  });

  it.each<[string[], Record<string, string>, string]>([
    [['--duplicates', '0'], {}, '--duplicates must be an integer from 1 to 50'],
    [['--query-status', '200'], {}, '--query-status must be an HTTP error status (400-599)'],
    [['--out-of-order', 'sideways'], {}, "--out-of-order must be 'failure-after-success' or 'failure-before-success'"],
    [['--delay', 'soon'], {}, '--delay soon is not a whole number'],
    [['--extra-field', 'BankID'], {}, '--extra-field BankID is not Name=value'],
    [[], { SANDBOX_PORT: 'http' }, '--port (SANDBOX_PORT) http is not a whole number'],
    [[], { SANDBOX_FAULTS: '{"duplicate":2}' }, '--faults (SANDBOX_FAULTS): faults.duplicate is not a known fault'],
    [['--notify-method', 'PUT'], {}, '--notify-method (SANDBOX_NOTIFY_METHOD) must be POST or GET'],
  ])('refuse %j %j naming what the user set', (args, env, message) => {
    expect(() => optionsOf(args, env)).toThrow(message);
  });
});

describe('runSandbox', () => {
  it('listens, prints its address on stdout, and stops and returns 0 when the process is asked to stop', async () => {
    let stop!: (signal: string) => void;
    const io = memoryIo({ stopped: new Promise((resolve) => (stop = resolve)) });
    const print = io.out;
    const firstLine = new Promise<string>((resolve) => {
      io.out = (line) => (print(line), resolve(line));
    });
    const running = runSandbox(['--port', '0', '--key', 'never-printed', '--member-id', '1', '--terminal-id', '2'], {}, io);
    const line = await Promise.race([firstLine, running.then((code) => `returned ${code} before listening`)]);

    const url = /^Baofoo sandbox gateway listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/_sandbox/payments`)).status).toBe(200);
    stop('SIGTERM');

    expect(await running).toBe(0);
    expect(io.stderr.at(-1)).toBe('sandbox stopped (SIGTERM)');
    await expect(fetch(`${url}/_sandbox/payments`)).rejects.toThrow();
    expect([...io.stdout, ...io.stderr].join('\n')).not.toContain('never-printed');
  });
});
