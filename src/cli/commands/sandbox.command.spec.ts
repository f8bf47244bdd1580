import { describe, expect, it } from '@jest/globals';
import { memoryIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';
import { SANDBOX_ARGS, sandboxOptionsFrom, type SandboxArgs } from './sandbox-flags.ts';
import { runSandbox } from './sandbox.command.ts';

const optionsOf = (args: string[], env: Record<string, string> = {}) => sandboxOptionsFrom(parseCommandArgs(args, SANDBOX_ARGS).values as SandboxArgs, env);

/** The whole message of what optionsOf throws, so a test sees the name it starts with. */
function refusal(args: string[], env: Record<string, string> = {}): string {
  try {
    optionsOf(args, env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${JSON.stringify(args)} ${JSON.stringify(env)} was accepted`);
}

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
    [['--delay', 'soon'], {}, '--delay must be a non-negative number of ms'],
    [['--extra-field', 'BankID'], {}, '--extra-field BankID is not Name=value'],
    [[], { SANDBOX_PORT: 'http' }, 'SANDBOX_PORT http is not a whole number'],
    [[], { SANDBOX_FAULTS: '{"duplicate":2}' }, 'duplicate in SANDBOX_FAULTS is not a known fault'],
    [['--notify-method', 'PUT'], {}, '--notify-method must be POST or GET'],
  ])('refuse %j %j naming what the user set', (args, env, message) => {
    expect(refusal(args, env)).toBe(message);
  });

  it('read SANDBOX_LABEL_CHARSET by the boolean rule of every variable, and refuse a word it does not know by name', () => {
    expect(optionsOf([], { SANDBOX_LABEL_CHARSET: '1' }).labelCharset).toBe(true);
    expect(optionsOf([], { SANDBOX_LABEL_CHARSET: ' Yes ' }).labelCharset).toBe(true);
    expect(optionsOf([], { SANDBOX_LABEL_CHARSET: 'off' }).labelCharset).toBe(false);
    expect(optionsOf(['--label-charset'], { SANDBOX_LABEL_CHARSET: 'off' }).labelCharset).toBe(true);
    expect(refusal([], { SANDBOX_LABEL_CHARSET: 'maybe' })).toBe('SANDBOX_LABEL_CHARSET must be true/1/yes/on or false/0/no/off, not "maybe"');
  });

  it.each<[string, string[], Record<string, string>, string]>([
    ['its own flag', ['--duplicates', '0'], { SANDBOX_FAULTS: '{"duplicates":0}' }, '--duplicates must be an integer from 1 to 50'],
    ['its own flag, and the field', ['--extra-field', 'TransID=x'], {}, '--extra-field TransID must be a new field name, not one of the nine signed fields'],
    ['its key in --faults', ['--faults', '{"duplicates":0}'], { SANDBOX_FAULTS: '{}' }, 'duplicates in --faults must be an integer from 1 to 50'],
    ['its key and field in --faults', ['--faults', '{"extraFields":{"TransID":"x"}}'], {}, 'extraFields.TransID in --faults must be a new field name, not one of the nine signed fields'],
    ['its key in SANDBOX_FAULTS', ['--query-status', '503'], { SANDBOX_FAULTS: '{"duplicates":0}' }, 'duplicates in SANDBOX_FAULTS must be an integer from 1 to 50'],
    ['SANDBOX_FAULTS, when it is no object', ['--duplicates', '2'], { SANDBOX_FAULTS: '[2]' }, 'SANDBOX_FAULTS must be an object'],
  ])('name a bad fault by where the user set it: %s', (_source, args, env, message) => {
    expect(refusal(args, env)).toBe(message);
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
