import type { BaofooDatabaseSettings } from '../database/baofoo-database.ts';
import type { TopologySettings } from '../database/database-topology.ts';
import type { BaofooCharset } from '../protocol/charset.ts';
import type { DeliverySettings } from '../events/delivery-settings.ts';
import type { BaofooEnvironment } from './baofoo-options.interface.ts';
import type { GatewayEndpoints } from './gateway-hosts.ts';
import type { KeyRing } from './key-ring.ts';

/** The module options after validation, with every default filled in. */
export interface ResolvedBaofooOptions {
  environment: BaofooEnvironment;
  endpoints: GatewayEndpoints;
  keyRing: KeyRing;
  charset: BaofooCharset;
  timeZone: string;
  boundDomains: string[];
  notification: {
    path: string;
    pagePath: string;
    publicBaseUrl?: string;
    allowedIps: string[];
    trustedProxies: string[];
    maxBodyBytes: number;
    maxParameters: number;
    readTimeoutMs: number;
    routeMetadata: ReadonlyArray<readonly [string | symbol, unknown]>;
    pageRedirectUrl?: string;
    additionalInfoMismatch: 'review' | 'settle';
    refusals: { windowSeconds: number; samplesPerSource: number; maxSources: number; maxPendingSamples: number; flushIntervalMs: number };
  };
  reconciliation: {
    cron: string;
    enabled: boolean;
    batchSize: number;
    concurrency: number;
    firstQueryAfterSeconds: number;
    graceSeconds: number;
    maxAgeSeconds: number;
    queryTimeoutMs: number;
    maxQueriesPerMinute: number;
  };
  /** `delivery`: the settings of every listener that does not set its own. */
  outbox: { pollIntervalMs: number; enabled: boolean; delivery: DeliverySettings };
  database: BaofooDatabaseSettings & TopologySettings & { settleBatchSize: number; settleBatchesInFlight: number };
}
