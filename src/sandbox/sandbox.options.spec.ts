import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_DELAYS_MS, resolveSandboxOptions } from './sandbox.options.ts';

describe('resolveSandboxOptions', () => {
  it('defaults to the published test merchant and ten growing retry delays', () => {
    const o = resolveSandboxOptions();
    expect(o.merchants).toEqual([{ memberId: '100000178', terminalId: '10000001', key: 'abcdefg', charset: 'utf-8' }]);
    expect(o.retryDelaysMs).toEqual(DEFAULT_RETRY_DELAYS_MS);
    expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(10);
    expect([...DEFAULT_RETRY_DELAYS_MS].sort((a, b) => a - b)).toEqual([...DEFAULT_RETRY_DELAYS_MS]);
    expect(o).toMatchObject({ port: 0, host: '127.0.0.1', notifyMethod: 'POST', queryMinIntervalMs: 0 });
  });

  it('refuses a configuration that cannot work', () => {
    expect(() => resolveSandboxOptions({ merchants: [] })).toThrow(/at least one merchant/);
    expect(() => resolveSandboxOptions({ merchants: [{ memberId: 'x', terminalId: '1', key: 'k' }] })).toThrow(/memberId/);
    expect(() => resolveSandboxOptions({ merchants: [{ memberId: '1', terminalId: '1', key: '' }] })).toThrow(/key/);
    const twice = { memberId: '1', terminalId: '1', key: 'k' };
    expect(() => resolveSandboxOptions({ merchants: [twice, twice] })).toThrow(/twice/);
    expect(() => resolveSandboxOptions({ retryDelaysMs: [] })).toThrow(/at least one/);
    expect(() => resolveSandboxOptions({ retryDelaysMs: [0, -1] })).toThrow(/retryDelaysMs\[1\]/);
    expect(() => resolveSandboxOptions({ port: 70000 })).toThrow(/port/);
  });
});
