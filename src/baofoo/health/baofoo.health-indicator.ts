import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { callWithTimeout } from '../common/call-with-timeout.ts';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { OLDEST_UNDELIVERED_AGE_MS_SQL, UNDELIVERED_COUNT_SQL } from '../events/outbox-store.ts';

export interface BaofooHealthLimits {
  /** Oldest undelivered event older than this: down (listeners are not being served). Default 60 s. */
  maxOutboxLagMs?: number;
  /** Dead-lettered deliveries above this: degraded (someone must replay them). Default 0. */
  maxDeadLetters?: number;
  /** A PENDING order overdue for its query by more than this: degraded (reconciliation is not keeping up). Default 5 min. */
  maxReconciliationLagMs?: number;
  /** The whole check's timeout. Default 2 s. */
  timeoutMs?: number;
}

export interface BaofooHealthSnapshot {
  outboxLagMs: number;
  undeliveredEvents: number;
  deadLetters: number;
  reconciliationLagMs: number;
  duePendingOrders: number;
}

const SNAPSHOT_SQL = `SELECT
  (${OLDEST_UNDELIVERED_AGE_MS_SQL}) AS outbox_lag_ms,
  (${UNDELIVERED_COUNT_SQL}) AS undelivered,
  (SELECT count(*) FROM baofoo_event_deliveries WHERE status = 'dead') AS dead_letters,
  (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_query_at)) * 1000, 0) FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at < now()) AS reconciliation_lag_ms,
  (SELECT count(*) FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at < now()) AS due_pending`;

/**
 * `@nestjs/terminus` indicator for the module: one query reads the database's
 * reachability, the outbox lag, dead letters and reconciliation lag.
 * Register it as a provider next to `TerminusModule` and call `check('baofoo')`.
 */
@Injectable()
export class BaofooHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly db: BaofooDatabase,
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
  ) {}

  async snapshot(): Promise<BaofooHealthSnapshot> {
    const [row] = await this.db.query<Record<string, string | number>>(SNAPSHOT_SQL);
    return {
      outboxLagMs: Number(row.outbox_lag_ms ?? 0),
      undeliveredEvents: Number(row.undelivered),
      deadLetters: Number(row.dead_letters),
      reconciliationLagMs: Math.round(Number(row.reconciliation_lag_ms)),
      duePendingOrders: Number(row.due_pending),
    };
  }

  async check<const K extends string>(key: K, limits: BaofooHealthLimits = {}): Promise<HealthIndicatorResult<K>> {
    const session = this.health.check(key);
    const maxOutboxLagMs = limits.maxOutboxLagMs ?? 60_000;
    const maxDeadLetters = limits.maxDeadLetters ?? 0;
    const maxReconciliationLagMs = limits.maxReconciliationLagMs ?? 300_000;
    let snapshot: BaofooHealthSnapshot;
    try {
      snapshot = await callWithTimeout(() => this.snapshot(), limits.timeoutMs ?? 2000);
    } catch (e) {
      return session.down({ database: 'unreachable', message: (e as Error).message });
    }
    const problems: string[] = [];
    if (this.options.outbox.enabled && snapshot.outboxLagMs > maxOutboxLagMs) problems.push(`outbox lag ${snapshot.outboxLagMs} ms > ${maxOutboxLagMs} ms`);
    const warnings: string[] = [];
    if (snapshot.deadLetters > maxDeadLetters) warnings.push(`${snapshot.deadLetters} dead-lettered deliveries: replay them`);
    if (this.options.reconciliation.enabled && snapshot.reconciliationLagMs > maxReconciliationLagMs) {
      warnings.push(`reconciliation lag ${snapshot.reconciliationLagMs} ms > ${maxReconciliationLagMs} ms`);
    }
    const data = { database: 'up', ...snapshot, problems: [...problems, ...warnings] };
    if (problems.length > 0) return session.down(data);
    if (warnings.length > 0) return session.degraded(data);
    return session.up(data);
  }
}
