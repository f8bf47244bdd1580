import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaofooModuleOptions } from '../src/baofoo/index.ts';

/**
 * Notifications for the benchmark, signed from spec §3 with node:crypto so
 * the load never depends on the code under test.
 */

export const BENCH_MERCHANT = { memberId: '100000178', terminalId: '10000001', key: 'abcdefg' } as const;
export const BENCH_ORDER_MONEY = 100;
export const BENCH_SUCC_TIME = '20261125120000';

/** Trans ids of one scenario: letters and digits, at most 20 characters. */
export function benchTransId(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(10, '0')}`;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** A form-encoded success for one order; every character used is URL-safe, so no percent-encoding is needed. */
export function successBody(transId: string, key: string = BENCH_MERCHANT.key): string {
  const { memberId, terminalId } = BENCH_MERCHANT;
  const sign = md5Hex(
    `MemberID=${memberId}~|~TerminalID=${terminalId}~|~TransID=${transId}~|~Result=1~|~ResultDesc=01~|~FactMoney=${BENCH_ORDER_MONEY}` +
      `~|~AdditionalInfo=~|~SuccTime=${BENCH_SUCC_TIME}~|~Md5Sign=${key}`,
  );
  return (
    `MemberID=${memberId}&TerminalID=${terminalId}&TransID=${transId}&Result=1&ResultDesc=01&FactMoney=${BENCH_ORDER_MONEY}` +
    `&AdditionalInfo=&SuccTime=${BENCH_SUCC_TIME}&Md5Sign=${sign}`
  );
}

/** The framework-free servers' check: a success signed with the bench key (spec §3), compared in constant time. */
export function signedSuccess(f: URLSearchParams): boolean {
  const expected = md5Hex(
    `MemberID=${f.get('MemberID')}~|~TerminalID=${f.get('TerminalID')}~|~TransID=${f.get('TransID')}~|~Result=${f.get('Result')}~|~ResultDesc=${f.get('ResultDesc')}` +
      `~|~FactMoney=${f.get('FactMoney')}~|~AdditionalInfo=${f.get('AdditionalInfo')}~|~SuccTime=${f.get('SuccTime')}~|~Md5Sign=${BENCH_MERCHANT.key}`,
  );
  const given = Buffer.from(f.get('Md5Sign') ?? '');
  return given.length === 32 && timingSafeEqual(given, Buffer.from(expected)) && f.get('Result') === '1';
}

/**
 * The module's options every bench server shares: the bench merchant, loopback
 * notifiers, a gateway that is never called (reconciliation off); each server
 * adds what it measures (outbox, pool size).
 */
export function benchBaofooOptions(extra: Pick<BaofooModuleOptions, 'outbox' | 'database'>): BaofooModuleOptions {
  return {
    environment: 'sandbox',
    sandboxUrl: 'http://127.0.0.1:9',
    merchants: [{ memberId: BENCH_MERCHANT.memberId, terminalId: BENCH_MERCHANT.terminalId, keys: [{ id: 'k1', secret: BENCH_MERCHANT.key }] }],
    notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1', '::1'] },
    reconciliation: { enabled: false },
    ...extra,
  };
}
