import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaVersionSql } from '../schema-version.ts';

/**
 * Fewer index entries per notification: every outbox row version that is not
 * a HOT update (each relay write changes an indexed column) adds an entry to
 * every index whose predicate it matches, and every app paid for the bridge's
 * two partial indexes, bridge or not. `baofoo_outbox_undelivered` repeated
 * `baofoo_outbox_due`'s predicate: the backlog counts read the due index.
 * The bridge keeps `baofoo_outbox_unbridged` for its claim and gauges; its
 * check for an older event of the same order reads `baofoo_outbox_order_id`
 * (an order has a few events). The settling UPDATE of an order changes its
 * status, so it is not HOT either: the merchant's unique (TransID, MemberID),
 * TransID first, also serves the lookups by TransID alone, for which
 * `baofoo_payment_orders_trans_id` was a second entry per order version. A
 * hand resolution is looked up in the ledger by TransID as in the archive, so
 * `baofoo_notification_ledger_order_id` took an entry per ledger row for it.
 * Every reader of `baofoo_payment_orders_status_updated` asks for open orders
 * (PENDING, REVIEW): partial, it takes no entry when an order settles.
 * Outbox pages are left half empty (fillfactor 50) so that a row's finish
 * fits on the row's own page: PostgreSQL then logs only the changed bytes of
 * the new version (prefix/suffix compression), not the payload once more.
 */
export class BaofooOutboxIndexes1764380000000 implements MigrationInterface {
  name = 'BaofooOutboxIndexes1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_outbox_undelivered"`);
    await q.query(`DROP INDEX "baofoo_outbox_unbridged_order"`);
    // Built before the old one goes, so that no moment is without the unique rule; a DBA may have built it CONCURRENTLY beforehand.
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS "baofoo_payment_orders_trans_id_member_id" ON "baofoo_payment_orders" ("trans_id", "member_id")`);
    await q.query(`DROP INDEX "baofoo_payment_orders_merchant_trans_id"`);
    await q.query(`ALTER INDEX "baofoo_payment_orders_trans_id_member_id" RENAME TO "baofoo_payment_orders_merchant_trans_id"`);
    await q.query(`DROP INDEX "baofoo_payment_orders_trans_id"`);
    await q.query(`DROP INDEX "baofoo_notification_ledger_order_id"`);
    await q.query(`DROP INDEX "baofoo_payment_orders_status_updated"`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_status_updated" ON "baofoo_payment_orders" ("status", "updated_at") WHERE "status" IN ('PENDING', 'REVIEW')`);
    await q.query(`ALTER TABLE "baofoo_outbox" SET (fillfactor = 50)`);
    await q.query(schemaVersionSql(1764380000000));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "baofoo_outbox" RESET (fillfactor)`);
    await q.query(`DROP INDEX "baofoo_payment_orders_status_updated"`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_status_updated" ON "baofoo_payment_orders" ("status", "updated_at")`);
    await q.query(`CREATE INDEX "baofoo_notification_ledger_order_id" ON "baofoo_notification_ledger" ("order_id")`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_trans_id" ON "baofoo_payment_orders" ("trans_id")`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_payment_orders_member_id_trans_id" ON "baofoo_payment_orders" ("member_id", "trans_id")`);
    await q.query(`DROP INDEX "baofoo_payment_orders_merchant_trans_id"`);
    await q.query(`ALTER INDEX "baofoo_payment_orders_member_id_trans_id" RENAME TO "baofoo_payment_orders_merchant_trans_id"`);
    await q.query(`CREATE INDEX "baofoo_outbox_unbridged_order" ON "baofoo_outbox" ("order_id", "id") WHERE "bridged_at" IS NULL`);
    await q.query(`CREATE INDEX "baofoo_outbox_undelivered" ON "baofoo_outbox" ("id") WHERE "delivered_at" IS NULL`);
    await q.query(schemaVersionSql(1764370000000));
  }
}
