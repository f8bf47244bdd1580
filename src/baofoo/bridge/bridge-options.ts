import type { Options } from 'amqplib';
import type { ConnectionOptions } from 'node:tls';
import { BAOFOO_EVENTS_EXCHANGE, type BaofooEvent } from '../events/baofoo-events.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';

/** `BaofooBridgeModule.forRoot(…)`: where and how the outbox's events are published to RabbitMQ. */
export interface BaofooBridgeOptions {
  /** `amqp://` or `amqps://` (TLS) URL of the broker; default `BAOFOO_BRIDGE_AMQP_URL`. */
  url?: string;
  /** TLS settings for `amqps://` (`ca`, `cert`, `key`, `servername`…), passed to the socket. */
  tls?: ConnectionOptions;
  /** This instance publishes (default true); false leaves it to other instances, which then must run a bridge. */
  enabled?: boolean;
  /** Exchange every event goes to; default `baofoo.events`. */
  exchange?: string;
  /** Declare the exchange as a durable topic exchange on every connection (default true); false when your broker's definitions own it. */
  declareExchange?: boolean;
  /** Routing key of an event; default its name, e.g. `baofoo.payment.succeeded`. */
  routingKey?: (event: BaofooEvent) => string;
  /** Properties added to (and overriding) the defaults: message-id, type, timestamp, content type, persistent delivery. */
  messageProperties?: (event: BaofooEvent) => Options.Publish;
  /** Most events one claim publishes before it waits for the broker's confirmations; default 200. */
  batchSize?: number;
  /** How often the outbox is looked at when nothing is waiting, ms; default 200. */
  pollIntervalMs?: number;
  /** How long a batch may go without any confirmation before the connection is given up and the batch retried, ms; default 10000. */
  confirmTimeoutMs?: number;
  /** A claim keeps other instances' bridges off its events this long, ms (more than `confirmTimeoutMs`); default 30000. */
  leaseMs?: number;
  /** Wait after the first failure to reach the broker, ms, doubled per further failure up to `maxBackoffMs`; default 500. */
  backoffMs?: number;
  /** Longest wait between two attempts while the broker is down, blocked or refusing, ms; default 30000. */
  maxBackoffMs?: number;
  /** Allows `amqp://` (no TLS) to a host other than loopback in production; default false. */
  allowPlaintext?: boolean;
}

export interface ResolvedBridgeOptions extends Required<Omit<BaofooBridgeOptions, 'tls' | 'url'>> {
  url: string;
  tls: ConnectionOptions | undefined;
}

export const BRIDGE_URL_VARIABLE = 'BAOFOO_BRIDGE_AMQP_URL';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The options with their defaults, refused at boot when unusable: no URL, a
 * scheme other than amqp(s), a lease that a confirmation wait could outlast,
 * or, in production, credentials in clear text over the network.
 */
export function resolveBridgeOptions(options: BaofooBridgeOptions, env: NodeJS.ProcessEnv, production: boolean): ResolvedBridgeOptions {
  const resolved: ResolvedBridgeOptions = {
    url: options.url ?? env[BRIDGE_URL_VARIABLE] ?? '',
    tls: options.tls,
    enabled: options.enabled ?? true,
    exchange: options.exchange ?? BAOFOO_EVENTS_EXCHANGE,
    declareExchange: options.declareExchange ?? true,
    routingKey: options.routingKey ?? ((event) => event.type),
    messageProperties: options.messageProperties ?? (() => ({})),
    batchSize: options.batchSize ?? 200,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    confirmTimeoutMs: options.confirmTimeoutMs ?? 10_000,
    leaseMs: options.leaseMs ?? 30_000,
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    allowPlaintext: options.allowPlaintext ?? false,
  };
  const problems: string[] = [];
  let url: URL | null = null;
  try {
    url = new URL(resolved.url);
  } catch {
    problems.push(`bridge url: set ${BRIDGE_URL_VARIABLE} (or the url option) to the broker, e.g. amqps://user:password@rabbitmq.internal:5671/vhost`);
  }
  if (url && url.protocol !== 'amqp:' && url.protocol !== 'amqps:') problems.push(`bridge url: ${BRIDGE_URL_VARIABLE} must start with amqp:// or amqps://, not ${url.protocol}//`);
  if (url && production && url.protocol === 'amqp:' && !LOOPBACK.has(url.hostname) && !resolved.allowPlaintext) {
    problems.push(`bridge url: ${BRIDGE_URL_VARIABLE} sends the broker's password in clear text to ${url.hostname}: use amqps:// (or set allowPlaintext: true on a network you trust)`);
  }
  for (const key of ['batchSize', 'pollIntervalMs', 'confirmTimeoutMs', 'leaseMs', 'backoffMs', 'maxBackoffMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) problems.push(`bridge ${key}: a positive integer, got ${resolved[key]}`);
  }
  if (resolved.leaseMs <= resolved.confirmTimeoutMs) problems.push(`bridge leaseMs (${resolved.leaseMs}) must exceed confirmTimeoutMs (${resolved.confirmTimeoutMs}): another instance would publish a batch still waiting for its confirmations`);
  if (problems.length > 0) throw new BaofooConfigError(problems);
  return resolved;
}
