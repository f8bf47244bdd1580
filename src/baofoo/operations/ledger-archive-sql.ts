import { SqlParams, type SqlStatement } from '../database/sql-params.ts';

const LEDGER_COLUMNS = `id, received_at, order_id, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, reason_code, reason, key_id, from_status, to_status, http_status`;

/*
 * The next rows of the month, oldest first, on the received_at index: the scan
 * starts at the previous batch's last instant (a keyset), so it never walks the
 * index entries of rows already moved, and stops after `limit` rows. Rows
 * another archiver holds are left to it (SKIP LOCKED).
 */
function nextRowsSql(p: SqlParams, after: Date, to: Date, limit: number): string {
  return `SELECT id FROM baofoo_notification_ledger
     WHERE received_at >= ${p.add(after)}::timestamptz AND received_at < ${p.add(to)}::timestamptz
     ORDER BY received_at LIMIT ${p.add(limit)} FOR UPDATE SKIP LOCKED`;
}

/**
 * One batch of the archive: up to `limit` ledger rows received in [after, to)
 * deleted and inserted into the archive table in one statement, so one
 * transaction: a row is in exactly one of the two tables at any moment, and a
 * crash between batches leaves nothing half moved. The rows are deleted by
 * primary key from an array: a join with the batch could be planned as a
 * pass over the whole ledger, which an array lookup cannot. Answers how many moved and
 * the latest `received_at` among them (the next batch's `after`).
 */
export function archiveLedgerBatchSql(after: Date, to: Date, limit: number): SqlStatement {
  const p = new SqlParams();
  const text = `WITH batch AS (${nextRowsSql(p, after, to, limit)}),
  moved AS (DELETE FROM baofoo_notification_ledger WHERE id = ANY(ARRAY(SELECT id FROM batch)) RETURNING ${LEDGER_COLUMNS}),
  archived AS (INSERT INTO baofoo_notification_ledger_archive (${LEDGER_COLUMNS}) SELECT ${LEDGER_COLUMNS} FROM moved RETURNING received_at)
  SELECT count(*)::int AS moved, max(received_at) AS last FROM archived`;
  return { text, params: p.values };
}
