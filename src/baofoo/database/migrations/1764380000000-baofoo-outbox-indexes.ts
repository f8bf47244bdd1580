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
 * (an order has a few events).
 */
export class BaofooOutboxIndexes1764380000000 implements MigrationInterface {
  name = 'BaofooOutboxIndexes1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_outbox_undelivered"`);
    await q.query(`DROP INDEX "baofoo_outbox_unbridged_order"`);
    await q.query(schemaVersionSql(1764380000000));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "baofoo_outbox_unbridged_order" ON "baofoo_outbox" ("order_id", "id") WHERE "bridged_at" IS NULL`);
    await q.query(`CREATE INDEX "baofoo_outbox_undelivered" ON "baofoo_outbox" ("id") WHERE "delivered_at" IS NULL`);
    await q.query(schemaVersionSql(1764360000000));
  }
}
