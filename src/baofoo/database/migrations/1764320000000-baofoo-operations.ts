import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations: indexes for the operator board, the metrics and housekeeping,
 * and the ledger archive table.
 *
 * - orders by TransID alone (the board's search; the unique index leads with the merchant),
 *   by status and last change (the REVIEW queue), by creation time (the chart);
 * - ledger by time (archiving a month) and its mismatch rows by time;
 * - outbox events by delivery time (housekeeping) and by order (an order's story).
 *
 * On a large live table create these by hand first with CREATE INDEX
 * CONCURRENTLY under the same names; this migration then skips them.
 */
export class BaofooOperations1764320000000 implements MigrationInterface {
  name = 'BaofooOperations1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_payment_orders_trans_id" ON "baofoo_payment_orders" ("trans_id")`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_payment_orders_status_updated" ON "baofoo_payment_orders" ("status", "updated_at")`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_payment_orders_created_at" ON "baofoo_payment_orders" ("created_at")`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_notification_ledger_received_at" ON "baofoo_notification_ledger" ("received_at")`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_notification_ledger_mismatch" ON "baofoo_notification_ledger" ("received_at") WHERE "reason_code" = 'RECONCILIATION_MISMATCH'`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_outbox_delivered" ON "baofoo_outbox" ("delivered_at") WHERE "delivered_at" IS NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS "baofoo_outbox_order_id" ON "baofoo_outbox" ("order_id")`);
    await q.query(`CREATE TABLE "baofoo_notification_ledger_archive" ("id" bigint NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "order_id" bigint, "member_id" character varying(64), "terminal_id" character varying(64), "trans_id" character varying(64), "source_ip" character varying(64) NOT NULL, "method" character varying(8) NOT NULL, "fields" jsonb, "raw_body" text NOT NULL, "verdict" character varying(16) NOT NULL, "reason_code" character varying(64), "reason" text, "key_id" character varying(64), "from_status" character varying(16), "to_status" character varying(16), "http_status" integer NOT NULL, CONSTRAINT "PK_baofoo_notification_ledger_archive" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "baofoo_notification_ledger_archive_trans_id" ON "baofoo_notification_ledger_archive" ("trans_id")`);
    await q.query(`CREATE INDEX "baofoo_notification_ledger_archive_received_at" ON "baofoo_notification_ledger_archive" ("received_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "baofoo_notification_ledger_archive"`);
    for (const index of [
      'baofoo_outbox_order_id',
      'baofoo_outbox_delivered',
      'baofoo_notification_ledger_mismatch',
      'baofoo_notification_ledger_received_at',
      'baofoo_payment_orders_created_at',
      'baofoo_payment_orders_status_updated',
      'baofoo_payment_orders_trans_id',
    ]) {
      await q.query(`DROP INDEX "${index}"`);
    }
  }
}
