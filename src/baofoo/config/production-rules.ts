import type { BaofooModuleOptions } from './baofoo-options.interface.ts';
import { PUBLISHED_TEST_MERCHANT, usesPublishedTestCredentials } from './gateway-hosts.ts';
import { optionNamer } from './option-sources.ts';

/** The notification route when none is configured: guessable, so production refuses it (spec §3.3.3). */
export const DEFAULT_NOTIFY_PATH = '/baofoo/notify';

/** The shortest secret segment production accepts in the notification path. */
export const MIN_SECRET_SEGMENT = 16;

type Namer = (path: string) => string;

function keyStorageProblems(o: BaofooModuleOptions, name: Namer): string[] {
  const problems: string[] = [];
  (o.merchants ?? []).forEach((m, i) => {
    (m.keys ?? []).forEach((k, j) => {
      const which = `key ${k.id} of merchant ${m.memberId}`;
      const secret = name(`merchants.${i}.keys.${j}.secret`);
      if (k.storage === 'encrypted' && k.masterKeyBeside) {
        problems.push(
          `${secret}: ${which} is encrypted, but BAOFOO_MASTER_KEY is read from the same env file as its ciphertext, which then protects nothing: remove BAOFOO_MASTER_KEY from the file and inject it from your secret store (platform secret, systemd credential)`,
        );
      } else if (k.storage === 'file' && !o.keyFileIsMountedSecret) {
        problems.push(
          `${secret}: ${which} is read from a plain file: the key must be stored encrypted (spec §3.3.2): use BAOFOO_KEY_ENCRYPTED (npx baofoo encrypt-key), or, if the file is a secret mounted by your platform (tmpfs, not on disk), acknowledge it with ${name('keyFileIsMountedSecret')}=true`,
        );
      } else if (k.storage !== 'encrypted' && k.storage !== 'file') {
        problems.push(
          `${secret}: ${which} is given in plain text: the key must be stored encrypted (spec §3.3.2): set BAOFOO_KEY_ENCRYPTED (npx baofoo encrypt-key) in the environment instead, or, with forRoot, pass a key your vault decrypted with storage: 'encrypted'`,
        );
      }
    });
  });
  return problems;
}

function notificationProblems(o: BaofooModuleOptions, name: Namer): string[] {
  const problems: string[] = [];
  const n = o.notification ?? {};
  const path = n.path ?? DEFAULT_NOTIFY_PATH;
  const hint = `e.g. ${name('notification.path')}=/baofoo/notify/$(openssl rand -hex 16)`;
  if (path.replace(/\/+$/, '') === DEFAULT_NOTIFY_PATH) {
    problems.push(`${name('notification.path')}: the notification path is the default ${DEFAULT_NOTIFY_PATH}: keep the notification address secret (spec §3.3.3): ${hint}`);
  } else if (!path.split('/').some((segment) => segment.length >= MIN_SECRET_SEGMENT)) {
    problems.push(`${name('notification.path')}: the notification path ${path} has no secret segment of at least ${MIN_SECRET_SEGMENT} characters (spec §3.3.3): ${hint}`);
  }
  const base = name('notification.publicBaseUrl');
  if (!n.publicBaseUrl) {
    problems.push(`${base} is not set: set it to the https:// address of the shop on a bound domain (PageUrl and ReturnUrl are built from it)`);
  } else if (!n.publicBaseUrl.startsWith('https://')) {
    problems.push(`${base} ${n.publicBaseUrl} is not https: the gateway must reach ReturnUrl over HTTPS in production: use the shop's https:// address`);
  }
  if ((o.boundDomains ?? []).length === 0) {
    problems.push(`${name('boundDomains')} is empty: set it to the domains the gateway has bound for this merchant (spec §7.5), so an address off them is refused before a shopper is sent to the gateway`);
  }
  if (!n.allowedIps?.length) {
    problems.push(`${name('notification.allowedIps')} is empty (the notifier IP allowlist): set it to the source IPs the gateway publishes for notifications`);
  }
  return problems;
}

/** A gateway environment production does not use. */
function gatewayProblems(o: BaofooModuleOptions, name: Namer): string[] {
  const problems: string[] = [];
  (o.merchants ?? []).forEach((m, i) => {
    if (m.memberId === PUBLISHED_TEST_MERCHANT.memberId) {
      problems.push(`${name(`merchants.${i}.memberId`)}: merchant ${m.memberId} is the gateway's published test merchant: set your production MemberID and TerminalID`);
    }
    m.keys?.forEach((k, j) => {
      if (k.secret === PUBLISHED_TEST_MERCHANT.key) problems.push(`${name(`merchants.${i}.keys.${j}.secret`)}: merchant ${m.memberId} uses the published test key: set your production key, encrypted`);
    });
  });
  if (o.sandboxUrl) problems.push(`${name('sandboxUrl')} is set in production: remove it (production always uses https://gw.baofoo.com)`);
  for (const path of ['sandboxUrl', 'notification.publicBaseUrl', 'notification.pageRedirectUrl'] as const) {
    const u = path === 'sandboxUrl' ? o.sandboxUrl : o.notification?.[path === 'notification.publicBaseUrl' ? 'publicBaseUrl' : 'pageRedirectUrl'];
    if (u && /vgw\.baofoo\.com/i.test(u)) problems.push(`${name(path)} ${u} is the gateway's test host: production must use https://gw.baofoo.com`);
  }
  return problems;
}

/**
 * The rules of an app built for production (NODE_ENV=production) whose
 * gateway is not: payments there are never paid for real, so boot refuses
 * unless a staging server says it means it.
 */
function productionAppProblems(o: BaofooModuleOptions, name: Namer, nodeEnv: string | undefined): string[] {
  if (nodeEnv !== 'production' || o.environment === 'production' || o.allowSandboxInProduction) return [];
  const published = (o.merchants ?? []).some(usesPublishedTestCredentials);
  return [
    `NODE_ENV is production but ${name('environment')} is ${o.environment}${published ? ', with the published test merchant' : ''}: no payment would be paid for real. ` +
      `Set ${name('environment')}=production with your production merchant, or, on a staging server built for production, acknowledge it with ${name('allowSandboxInProduction')}=true`,
  ];
}

/** What the production gateway needs of a real deployment (whatever `environment` says). */
export function productionProblems(o: BaofooModuleOptions): string[] {
  const name = optionNamer(o);
  return [...gatewayProblems(o, name), ...keyStorageProblems(o, name), ...notificationProblems(o, name)];
}

/**
 * The one list of production rules: boot (`resolveBaofooOptions`) refuses a
 * configuration that breaks any, and `doctor` reports the same list. With
 * the production gateway, everything a real deployment needs; with another
 * gateway, the app built for production (`nodeEnv`) must acknowledge it. Each
 * message names the option as the user set it and how to fix it.
 */
export function productionRules(o: BaofooModuleOptions, nodeEnv: string | undefined): string[] {
  return o.environment === 'production' ? productionProblems(o) : productionAppProblems(o, optionNamer(o), nodeEnv);
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
