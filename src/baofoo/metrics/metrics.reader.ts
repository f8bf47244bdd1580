import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-status.ts';
import { gaugesSql, OPEN_STATUSES, type OpenStatus } from './gauge-sql.ts';

/** What the database says at one scrape. */
export interface GaugeReading {
  /** Exact counts of the statuses an order leaves again (PENDING, REVIEW). */
  openOrders: Record<OpenStatus, number>;
  /** Orders by every status, estimated from the planner's statistics (as of the last ANALYZE; 0 before one). */
  estimatedOrders: Record<OrderStatus, number>;
  outboxBacklog: number;
  /** Age of the oldest undelivered event, seconds (0 when none). */
  outboxOldestSeconds: number;
  /** Events the RabbitMQ bridge has not published with a confirmation (0 without a bridge). */
  bridgeBacklog: number;
  /** Age of the oldest of them, seconds (0 when none). */
  bridgeOldestSeconds: number;
  deadLetters: number;
  /** PENDING orders whose next query is due now: reconciliation is behind when this stays up. */
  reconciliationDue: number;
  mismatches: number;
}

/** The row as the statement answers it: the status maps hold only the statuses found. */
type GaugeRow = Omit<GaugeReading, 'openOrders' | 'estimatedOrders'> & Record<'openOrders' | 'estimatedOrders', Record<string, number>>;

const GAUGES_SQL = gaugesSql();

function byStatus<S extends string>(statuses: readonly S[], counts: Record<string, number>): Record<S, number> {
  return Object.fromEntries(statuses.map((s) => [s, Number(counts[s] ?? 0)])) as Record<S, number>;
}

/** The SQL behind the database gauges: one round trip of bounded index lookups (see gauge-sql.ts). */
@Injectable()
export class MetricsReader {
  constructor(private readonly db: BaofooDatabase) {}

  async read(now: Date): Promise<GaugeReading> {
    const [r]: GaugeRow[] = await this.db.query(GAUGES_SQL, [now]);
    return {
      ...r,
      openOrders: byStatus(OPEN_STATUSES, r.openOrders),
      estimatedOrders: byStatus(ORDER_STATUSES, r.estimatedOrders),
      bridgeOldestSeconds: Math.max(0, r.bridgeOldestSeconds),
    };
  }
}
