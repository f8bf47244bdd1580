import { cronProblem } from '../config/cron-rule.ts';

/**
 * A prom-client `Registry`, by the members the module relies on. Declared here rather than imported
 * so that the package's types compile in apps that have no metrics and no prom-client installed.
 */
export interface BaofooMetricsRegistry {
  removeSingleMetric(name: string): void;
  metrics(): Promise<string>;
}

/** Prometheus metrics of the module (needs the `prom-client` package). */
export interface BaofooMetricsOptions {
  /**
   * The registry to register on. Default: prom-client's default registry,
   * which `@willsoto/nestjs-prometheus` serves on the app's `/metrics`, so no
   * second endpoint is needed.
   */
  registry?: BaofooMetricsRegistry;
  /** Prefix of every metric name. Default `baofoo_`. */
  prefix?: string;
  /**
   * How long the database gauges (orders by status, outbox backlog, dead
   * letters, mismatches, reconciliation backlog) reuse one reading, so that
   * several scrapers or a fast scrape interval cost one query. Default 10 000 ms.
   */
  gaugeCacheMs?: number;
}

/** Deleting what is no longer needed, on a schedule; every instance may run it. */
export interface BaofooHousekeepingOptions {
  /** Run on the schedule. Default true. `HousekeepingService.runOnce()` can be called either way. */
  enabled?: boolean;
  /** Cron expression. Default every ten minutes, at second 30. */
  cron?: string;
  /** Delivered events (and their per-listener delivery records) are kept this many days. Default 30. */
  outboxRetentionDays?: number;
  /**
   * Refusal counts (`baofoo_refusal_counts`, one row per window, source and
   * reason of requests refused before a signature verified) are kept this
   * many days after their window started. Default 30.
   */
  refusalCountRetentionDays?: number;
  /** Rows deleted per statement, so no statement holds many locks or runs long. Default 1000. */
  batchSize?: number;
  /** Batches per run at most, for each table; the rest waits for the next run. Default 100. */
  maxBatchesPerRun?: number;
  /**
   * Ledger rows moved per statement by `archiveLedgerMonth`. Each batch must
   * finish within the pool's statement timeout (`database.statementTimeoutMs`,
   * default 1500 ms): 2000 rows of a real notification's size took about 50 ms on the benchmark, 135 ms at most under load (bench/RESULTS.md). Default 2000.
   */
  archiveBatchSize?: number;
}

/**
 * Options of `BaofooOperationsModule`: metrics, tracing, REVIEW resolution
 * and housekeeping. Every part is off or cheap unless asked for.
 */
export interface BaofooOperationsOptions {
  /** Prometheus metrics; off unless given (`true` for the defaults). */
  metrics?: boolean | BaofooMetricsOptions;
  /**
   * OpenTelemetry spans around notification handling, settlement, relay
   * passes and gateway queries, through `@opentelemetry/api` only: without an
   * SDK registered by the app they are no-ops. Default true (when the package is installed).
   */
  tracing?: boolean;
  housekeeping?: BaofooHousekeepingOptions;
}

export interface ResolvedHousekeepingOptions {
  enabled: boolean;
  cron: string;
  outboxRetentionDays: number;
  refusalCountRetentionDays: number;
  batchSize: number;
  maxBatchesPerRun: number;
  archiveBatchSize: number;
}

export const DEFAULT_HOUSEKEEPING: ResolvedHousekeepingOptions = {
  enabled: true,
  cron: '30 */10 * * * *',
  outboxRetentionDays: 30,
  refusalCountRetentionDays: 30,
  batchSize: 1000,
  maxBatchesPerRun: 100,
  archiveBatchSize: 2000,
};

function positive(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`housekeeping.${name} must be a whole number of at least ${min}, not ${value}`);
  return value;
}

export function resolveHousekeeping(options: BaofooHousekeepingOptions = {}): ResolvedHousekeepingOptions {
  const h = { ...DEFAULT_HOUSEKEEPING, ...options };
  const cronWrong = cronProblem(h.cron, '30 */10 * * * *');
  if (cronWrong) throw new RangeError(`housekeeping.cron: ${cronWrong}`);
  return {
    enabled: h.enabled,
    cron: h.cron,
    outboxRetentionDays: positive('outboxRetentionDays', h.outboxRetentionDays, 1),
    refusalCountRetentionDays: positive('refusalCountRetentionDays', h.refusalCountRetentionDays, 1),
    batchSize: positive('batchSize', h.batchSize, 1),
    maxBatchesPerRun: positive('maxBatchesPerRun', h.maxBatchesPerRun, 1),
    archiveBatchSize: positive('archiveBatchSize', h.archiveBatchSize, 1),
  };
}
