import type { BaofooModuleOptions } from './baofoo-options.interface.ts';
import { PUBLISHED_TEST_MERCHANT } from './gateway-hosts.ts';

/** The notification route when none is configured: guessable, so production refuses it (spec §3.3.3). */
export const DEFAULT_NOTIFY_PATH = '/baofoo/notify';

/** The shortest secret segment production accepts in the notification path. */
export const MIN_SECRET_SEGMENT = 16;

const SECRET_HINT = 'e.g. BAOFOO_NOTIFY_PATH=/baofoo/notify/$(openssl rand -hex 16)';

function keyStorageProblems(o: BaofooModuleOptions): string[] {
  const problems: string[] = [];
  for (const m of o.merchants ?? []) {
    for (const k of m.keys ?? []) {
      const which = `key ${k.id} of merchant ${m.memberId}`;
      if (k.storage === 'encrypted' && k.masterKeyBeside) {
        problems.push(
          `${which} is encrypted, but BAOFOO_MASTER_KEY is read from the same env file as its ciphertext, which then protects nothing: remove BAOFOO_MASTER_KEY from the file and inject it from your secret store (platform secret, systemd credential)`,
        );
      } else if (k.storage === 'file' && !o.keyFileIsMountedSecret) {
        problems.push(
          `${which} is read from a plain file (BAOFOO_KEY_FILE): the key must be stored encrypted (spec §3.3.2): use BAOFOO_KEY_ENCRYPTED (npx baofoo encrypt-key), or, if the file is a secret mounted by your platform (tmpfs, not on disk), acknowledge it with BAOFOO_KEY_FILE_IS_MOUNTED_SECRET=true (option keyFileIsMountedSecret)`,
        );
      } else if (k.storage !== 'encrypted' && k.storage !== 'file') {
        problems.push(
          `${which} is given in plain text: the key must be stored encrypted (spec §3.3.2): set BAOFOO_KEY_ENCRYPTED (npx baofoo encrypt-key) instead of BAOFOO_KEY, or, with forRoot, pass a key your vault decrypted with storage: 'encrypted'`,
        );
      }
    }
  }
  return problems;
}

function notificationProblems(o: BaofooModuleOptions): string[] {
  const problems: string[] = [];
  const n = o.notification ?? {};
  const path = n.path ?? DEFAULT_NOTIFY_PATH;
  if (path.replace(/\/+$/, '') === DEFAULT_NOTIFY_PATH) {
    problems.push(`the notification path is the default ${DEFAULT_NOTIFY_PATH}: keep the notification address secret (spec §3.3.3): ${SECRET_HINT}`);
  } else if (!path.split('/').some((segment) => segment.length >= MIN_SECRET_SEGMENT)) {
    problems.push(`the notification path ${path} has no secret segment of at least ${MIN_SECRET_SEGMENT} characters (spec §3.3.3): ${SECRET_HINT}`);
  }
  if (!n.publicBaseUrl) {
    problems.push('publicBaseUrl is not set: set BAOFOO_PUBLIC_BASE_URL to the https:// address of the shop on a bound domain (PageUrl and ReturnUrl are built from it)');
  } else if (!n.publicBaseUrl.startsWith('https://')) {
    problems.push(`publicBaseUrl ${n.publicBaseUrl} is not https: the gateway must reach ReturnUrl over HTTPS in production (BAOFOO_PUBLIC_BASE_URL)`);
  }
  if ((o.boundDomains ?? []).length === 0) {
    problems.push('no bound domains: set BAOFOO_BOUND_DOMAINS to the domains the gateway has bound for this merchant (spec §7.5), so an address off them is refused before a shopper is sent to the gateway');
  }
  if (!n.allowedIps?.length) {
    problems.push('the notifier IP allowlist is empty: set BAOFOO_ALLOWED_IPS to the source IPs the gateway publishes for notifications');
  }
  return problems;
}

/**
 * The one list of production rules: boot (`resolveBaofooOptions`) refuses a
 * configuration that breaks any, and `doctor` reports the same list. Each
 * message says how to fix it.
 */
export function productionProblems(o: BaofooModuleOptions): string[] {
  const problems: string[] = [];
  for (const m of o.merchants ?? []) {
    if (m.memberId === PUBLISHED_TEST_MERCHANT.memberId) {
      problems.push(`merchant ${m.memberId} is the gateway's published test merchant: set BAOFOO_MEMBER_ID/BAOFOO_TERMINAL_ID to your production merchant`);
    }
    if (m.keys?.some((k) => k.secret === PUBLISHED_TEST_MERCHANT.key)) {
      problems.push(`merchant ${m.memberId} uses the published test key: set BAOFOO_KEY_ENCRYPTED to your production key, encrypted`);
    }
  }
  if (o.sandboxUrl) problems.push('sandboxUrl is set in production: remove BAOFOO_SANDBOX_URL (production always uses https://gw.baofoo.com)');
  for (const u of [o.sandboxUrl, o.notification?.publicBaseUrl, o.notification?.pageRedirectUrl]) {
    if (u && /vgw\.baofoo\.com/i.test(u)) problems.push(`${u} is the gateway's test host: production must use https://gw.baofoo.com`);
  }
  return [...problems, ...keyStorageProblems(o), ...notificationProblems(o)];
}

/**
 * The operator board's production rule (`BaofooBoardModule`, checked when it
 * boots in production): it can pay orders by hand, so it is never mounted
 * without a guard. `path` is where it is mounted, for the message.
 */
export function boardProductionProblems(board: { path: string; guards?: readonly unknown[]; appGuarded?: boolean }): string[] {
  if ((board.guards?.length ?? 0) > 0 || board.appGuarded) return [];
  return [
    `the operator board at /${board.path} has no guard, and it can mark orders paid by hand: pass your admin guard to BaofooBoardModule.register({ guards: [AdminGuard] }), ` +
      'or, if an app-wide guard (APP_GUARD) already protects its routes, say so with appGuarded: true',
  ];
}
