import { BaofooError } from '../protocol/errors.ts';
import type { BaofooCharset } from '../protocol/charset.ts';
import { routeKey } from '../protocol/route-key.ts';
import { isTimeZone } from '../protocol/zoned-time.ts';
import type { BaofooEnvironment, BaofooModuleOptions } from './baofoo-options.interface.ts';
import { BaofooOptionsDto } from './baofoo-options.dto.ts';
import { publicBaseUrlProblems } from './bound-domains.ts';
import { cronProblem } from './cron-rule.ts';
import { gatewayEndpoints } from './gateway-hosts.ts';
import { IpRanges } from './ip-ranges.ts';
import { KeyRing, type RingMerchant } from './key-ring.ts';
import { environmentFindings, optionNamer } from './option-sources.ts';
import { DEFAULT_NOTIFY_PATH, productionRules } from './production-rules.ts';
import type { ResolvedBaofooOptions } from './resolved-options.ts';
import { validationProblems } from './validation-problems.ts';
import { DEFAULT_DELIVERY_SETTINGS, deliverySettings } from '../events/delivery-settings.ts';

/** The configuration cannot run; `evidence.problems` lists each thing to fix. */
export class BaofooConfigError extends BaofooError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Baofoo configuration refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
}


/** The module pool's time budgets when the options leave them out: a notification is answered within 2 s. */
export const DEFAULT_DATABASE_BUDGETS = { statementTimeoutMs: 1500, connectTimeoutMs: 1000, answerWithinMs: 2000 } as const;

/**
 * Validates module options and fills in defaults. Refuses, with every problem
 * at once, what could not run safely: in production everything
 * `productionRules` lists, and when booting (`now` given) a key already
 * retired, which would silently verify nothing. Tools that look at past
 * notifications (verify-notification) leave `now` out. Every message names
 * the option as the user set it: its variable when the env reader built the
 * options, its path when code did. `nodeEnv` is the app's NODE_ENV.
 */
export function resolveBaofooOptions(options: BaofooModuleOptions, now?: Date, nodeEnv = process.env.NODE_ENV): ResolvedBaofooOptions {
  const name = optionNamer(options);
  const problems = [...environmentFindings(options).problems, ...validationProblems(BaofooOptionsDto, options, '', name)];
  if (problems.length > 0) throw new BaofooConfigError(problems);

  const env = options.environment as BaofooEnvironment;
  if (env === 'sandbox' && !options.sandboxUrl) problems.push(`${name('environment')} is sandbox: set ${name('sandboxUrl')} to the sandbox gateway's address, e.g. http://127.0.0.1:3100`);
  if (options.timeZone && !isTimeZone(options.timeZone)) problems.push(`${name('timeZone')}: ${options.timeZone} is not an IANA zone: use one such as Asia/Shanghai`);
  const cron = options.reconciliation?.cron;
  const cronWrong = cron === undefined ? undefined : cronProblem(cron, '*/30 * * * * *');
  if (cronWrong) problems.push(`${name('reconciliation.cron')}: ${cronWrong}`);
  problems.push(...publicBaseUrlProblems(options.notification?.publicBaseUrl, options.boundDomains, name));
  const notifyPath = options.notification?.path ?? DEFAULT_NOTIFY_PATH;
  const pagePath = options.notification?.pagePath ?? '/baofoo/return';
  for (const path of ['notification.allowedIps', 'notification.trustedProxies'] as const) {
    try {
      new IpRanges((path === 'notification.allowedIps' ? options.notification?.allowedIps : options.notification?.trustedProxies) ?? []);
    } catch (e) {
      problems.push(`${name(path)}: ${(e as Error).message}`);
    }
  }
  const pool = options.database ?? {};
  if ((pool.poolMin ?? 0) > (pool.poolSize ?? 10)) {
    problems.push(`${name('database.poolMin')} ${pool.poolMin} is above ${name('database.poolSize')} ${pool.poolSize ?? 10}: lower it, or raise the pool size`);
  }
  const outbox = options.outbox ?? {};
  if (outbox.maxAttempts !== undefined && outbox.delivery?.attempts !== undefined) {
    problems.push(`outbox.maxAttempts is the former name of ${name('outbox.delivery.attempts')}: set only ${name('outbox.delivery.attempts')}`);
  }
  if (routeKey(notifyPath) === routeKey(pagePath)) problems.push(`${name('notification.path')} and ${name('notification.pagePath')} must differ: the page address must never settle orders`);
  const seen = new Set<string>();
  const merchants: RingMerchant[] = [];
  options.merchants.forEach((m, i) => {
    const ids = `${m.memberId}/${m.terminalId}`;
    if (seen.has(ids)) problems.push(`merchant ${ids} is configured twice (${name(`merchants.${i}`)}): remove one`);
    seen.add(ids);
    const keys = m.keys.map((k) => ({ id: k.id, secret: k.secret, retiresAt: k.retiresAt === undefined ? undefined : new Date(k.retiresAt) }));
    keys.forEach((k, j) => {
      const retiresAt = name(`merchants.${i}.keys.${j}.retiresAt`);
      if (k.retiresAt && Number.isNaN(k.retiresAt.getTime())) problems.push(`${retiresAt}: key ${k.id} of merchant ${ids} has a retirement that is not a time: use ISO 8601, e.g. 2027-01-31T00:00:00+08:00`);
      else if (now && k.retiresAt && k.retiresAt.getTime() <= now.getTime()) {
        problems.push(`${retiresAt}: key ${k.id} of merchant ${ids} retired at ${k.retiresAt.toISOString()}, already past: remove the key, or set a future retirement time`);
      }
    });
    if (!keys.some((k) => !k.retiresAt)) problems.push(`merchant ${ids} has no current key (${name(`merchants.${i}.keys`)}): one key without a retirement time signs requests`);
    merchants.push({ memberId: m.memberId, terminalId: m.terminalId, keys });
  });
  problems.push(...productionRules(options, nodeEnv));
  if (problems.length > 0) throw new BaofooConfigError(problems);

  const n = options.notification ?? {};
  const r = options.reconciliation ?? {};
  const ob = options.outbox ?? {};
  const d = options.database ?? {};
  return {
    environment: env,
    endpoints: gatewayEndpoints(env, options.sandboxUrl),
    keyRing: new KeyRing(merchants),
    charset: (options.charset ?? 'utf-8') as BaofooCharset,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    boundDomains: (options.boundDomains ?? []).map((d) => d.toLowerCase()),
    notification: {
      path: notifyPath,
      pagePath,
      publicBaseUrl: n.publicBaseUrl?.replace(/\/+$/, ''),
      allowedIps: n.allowedIps ?? [],
      trustedProxies: n.trustedProxies ?? [],
      maxBodyBytes: n.maxBodyBytes ?? 8192,
      maxParameters: n.maxParameters ?? 32,
      readTimeoutMs: n.readTimeoutMs ?? 10_000,
      routeMetadata: n.routeMetadata ?? [],
      pageRedirectUrl: n.pageRedirectUrl,
      additionalInfoMismatch: n.additionalInfoMismatch ?? 'review',
      refusals: {
        windowSeconds: n.refusals?.windowSeconds ?? 60,
        samplesPerSource: n.refusals?.samplesPerSource ?? 5,
        maxSources: n.refusals?.maxSources ?? 1000,
        maxPendingSamples: n.refusals?.maxPendingSamples ?? 100,
        flushIntervalMs: n.refusals?.flushIntervalMs ?? 5000,
      },
    },
    reconciliation: {
      cron: r.cron ?? '*/30 * * * * *',
      enabled: r.enabled ?? true,
      batchSize: r.batchSize ?? 50,
      concurrency: r.concurrency ?? 4,
      firstQueryAfterSeconds: r.firstQueryAfterSeconds ?? 60,
      graceSeconds: r.graceSeconds ?? 1800,
      maxAgeSeconds: r.maxAgeSeconds ?? 86_400,
      queryTimeoutMs: r.queryTimeoutMs ?? 10_000,
      maxQueriesPerMinute: r.maxQueriesPerMinute ?? 30,
    },
    outbox: {
      pollIntervalMs: ob.pollIntervalMs ?? 1000,
      enabled: ob.enabled ?? true,
      delivery: deliverySettings(DEFAULT_DELIVERY_SETTINGS, { ...ob.delivery, attempts: ob.delivery?.attempts ?? ob.maxAttempts }),
    },
    database: { poolSize: d.poolSize ?? 10, poolMin: d.poolMin ?? Math.min(2, d.poolSize ?? 10), idleTimeoutMs: d.idleTimeoutMs ?? 60_000, statementTimeoutMs: d.statementTimeoutMs ?? DEFAULT_DATABASE_BUDGETS.statementTimeoutMs,
      connectTimeoutMs: d.connectTimeoutMs ?? DEFAULT_DATABASE_BUDGETS.connectTimeoutMs, answerWithinMs: d.answerWithinMs ?? DEFAULT_DATABASE_BUDGETS.answerWithinMs,
      settleBatchSize: d.settleBatchSize ?? 32,
      settleBatchesInFlight: d.settleBatchesInFlight ?? 4,
      topology: d.topology ?? 'auto',
      preparedStatements: d.preparedStatements ?? 'auto',
      listenUrl: d.listenUrl,
    },
  };
}
