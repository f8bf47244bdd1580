import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One `baofoo.notification.additional_info_mismatch` per order, however many
 * copies of the notification the gateway resends: the unique index that keeps
 * one `baofoo.payment.anomaly` per order and reason now covers the flag too
 * (its reason is the same on every copy), with the type in the key. Every copy
 * still gets its ledger row. The copies raised before this migration are
 * removed, the first of each order kept, so that the index can be built: they
 * repeat an alert the order's first flag already raised.
 */
export class BaofooAdditionalInfoMismatchOnce1764340000000 implements MigrationInterface {
  name = 'BaofooAdditionalInfoMismatchOnce1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`WITH copies AS (
        SELECT id, event_id FROM (
          SELECT id, event_id, row_number() OVER (PARTITION BY order_id ORDER BY id) AS n
            FROM "baofoo_outbox" WHERE "type" = 'baofoo.notification.additional_info_mismatch' AND "order_id" IS NOT NULL) numbered
         WHERE n > 1),
      deliveries AS (DELETE FROM "baofoo_event_deliveries" d USING copies WHERE d."event_id" = copies.event_id)
      DELETE FROM "baofoo_outbox" o USING copies WHERE o."id" = copies.id`);
    await q.query(`DROP INDEX "baofoo_outbox_anomaly_once"`);
    await q.query(
      `CREATE UNIQUE INDEX "baofoo_outbox_anomaly_once" ON "baofoo_outbox" ("order_id", "type", ("payload"->>'reason')) WHERE "type" IN ('baofoo.payment.anomaly', 'baofoo.notification.additional_info_mismatch')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_outbox_anomaly_once"`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_outbox_anomaly_once" ON "baofoo_outbox" ("order_id", ("payload"->>'reason')) WHERE "type" = 'baofoo.payment.anomaly'`);
  }
}
