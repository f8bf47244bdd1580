import { createHash } from 'node:crypto';

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
