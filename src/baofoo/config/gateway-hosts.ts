import type { BaofooEnvironment } from './baofoo-options.interface.ts';

export interface GatewayEndpoints {
  payUrl: string;
  queryUrl: string;
}

const HOSTS: Record<Exclude<BaofooEnvironment, 'sandbox'>, string> = {
  test: 'https://vgw.baofoo.com',
  production: 'https://gw.baofoo.com',
};

/** The payment and query URLs of an environment (spec §2, §4). */
export function gatewayEndpoints(environment: BaofooEnvironment, sandboxUrl?: string): GatewayEndpoints {
  const base = environment === 'sandbox' ? (sandboxUrl ?? '').replace(/\/+$/, '') : HOSTS[environment];
  return { payUrl: `${base}/payindex`, queryUrl: `${base}/order/query` };
}

/** The gateway's published test credentials (spec §2): never acceptable in production. */
export const PUBLISHED_TEST_MERCHANT = { memberId: '100000178', terminalId: '10000001', key: 'abcdefg' } as const;

/** Whether a merchant uses the published test credentials: its MemberID or any of its keys. */
export function usesPublishedTestCredentials(m: { memberId: string; keys?: readonly { secret: string }[] }): boolean {
  return m.memberId === PUBLISHED_TEST_MERCHANT.memberId || (m.keys ?? []).some((k) => k.secret === PUBLISHED_TEST_MERCHANT.key);
}
