import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { ONCE_PER_ORDER_TYPES } from '../events/outbox-row.ts';
import { archiveLedgerBatchSql } from './ledger-archive-sql.ts';
import { OPERATOR_METHOD, REVIEW_RESOLVED } from './review-resolution.ts';

/** One housekeeping batch: how many events (and their delivery records) went. */
export interface PurgedBatch {
  events: number;
  deliveries: number;
}

/** One archive batch: how many ledger rows moved, and the latest `received_at` among them (null when none). */
export interface ArchivedBatch {
  moved: number;
  last: Date | null;
}

/*
 * An event goes when it was delivered before the cut-off and none of its
 * listeners is still owed it: a dead-lettered delivery also marks the event
 * delivered, and must stay until it is replayed. Events raised once per
 * order stay too: their row is what stops a resent copy from raising the
 * alert again (ONCE_PER_ORDER_TYPES). While a RabbitMQ bridge is registered
 * (`baofoo_bridges`), an event it has not published stays, however long the
 * broker is away. SKIP LOCKED lets every
 * instance run the job at once without waiting on (or deleting under) another
 * instance's batch or a relay pass that holds a row.
 */
const PURGE_DELIVERED_SQL = `WITH doomed AS (
    SELECT o.id, o.event_id FROM baofoo_outbox o
     WHERE o.delivered_at IS NOT NULL AND o.delivered_at < $1::timestamptz
       AND NOT EXISTS (SELECT 1 FROM baofoo_event_deliveries d WHERE d.event_id = o.event_id AND d.status <> 'delivered')
       AND o.type <> ALL($3::text[])
       AND (o.bridged_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM baofoo_bridges))
     ORDER BY o.delivered_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED),
  deliveries AS (DELETE FROM baofoo_event_deliveries d USING doomed WHERE d.event_id = doomed.event_id RETURNING d.id),
  events AS (DELETE FROM baofoo_outbox o USING doomed WHERE o.id = doomed.id RETURNING o.id)
  SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries`;

/*
 * The refusal counts of windows that started before the cut-off, oldest first,
 * on the primary key (window_start leads it). A flush adding to a row being
 * deleted waits for the delete and then inserts the row afresh.
 */
const PURGE_REFUSAL_COUNTS_SQL = `WITH doomed AS (
    SELECT window_start, source_ip, reason_code FROM baofoo_refusal_counts
     WHERE window_start < $1::timestamptz ORDER BY window_start LIMIT $2 FOR UPDATE SKIP LOCKED),
  deleted AS (DELETE FROM baofoo_refusal_counts c USING doomed
     WHERE c.window_start = doomed.window_start AND c.source_ip = doomed.source_ip AND c.reason_code = doomed.reason_code RETURNING 1)
  SELECT count(*)::int AS deleted FROM deleted`;

/** The operations' SQL, in one place so the way it runs can be switched in one place. */
@Injectable()
export class OperationsStore {
  constructor(private readonly db: BaofooDatabase) {}

  /**
   * The ledger fields of the order's latest hand resolution, or null; an
   * archived month still counts. Both are looked up by TransID, the index
   * each table has for it.
   */
  async lastResolution(order: { id: string; transId: string }): Promise<Record<string, string> | null> {
    const rows: { fields: Record<string, string> | null }[] = await this.db.query(
      `SELECT fields FROM (
         SELECT id, fields FROM baofoo_notification_ledger WHERE trans_id = $4 AND order_id = $1 AND method = $2 AND reason_code = $3
         UNION ALL
         SELECT id, fields FROM baofoo_notification_ledger_archive WHERE trans_id = $4 AND order_id = $1 AND method = $2 AND reason_code = $3) r
       ORDER BY id DESC LIMIT 1`,
      [order.id, OPERATOR_METHOD, REVIEW_RESOLVED, order.transId],
    );
    return rows[0]?.fields ?? null;
  }

  async purgeDeliveredBatch(deliveredBefore: Date, limit: number): Promise<PurgedBatch> {
    const rows: PurgedBatch[] = await this.db.query(PURGE_DELIVERED_SQL, [deliveredBefore, limit, ONCE_PER_ORDER_TYPES]);
    return rows[0];
  }

  /** Deletes up to `limit` refusal count rows of windows that started before `windowsBefore`; how many went. */
  async purgeRefusalCountBatch(windowsBefore: Date, limit: number): Promise<number> {
    const rows: { deleted: number }[] = await this.db.query(PURGE_REFUSAL_COUNTS_SQL, [windowsBefore, limit]);
    return rows[0].deleted;
  }

  /** Moves up to `limit` ledger rows received in [after, to), oldest first, to the archive table (see `archiveLedgerBatchSql`). */
  async archiveLedgerBatch(after: Date, to: Date, limit: number): Promise<ArchivedBatch> {
    const { text, params } = archiveLedgerBatchSql(after, to, limit);
    const rows: ArchivedBatch[] = await this.db.query(text, params);
    return rows[0];
  }
}
