import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaVersionSql } from '../schema-version.ts';

/**
 * The RabbitMQ bridge's position in the outbox (`BaofooBridgeModule`): each
 * event's `bridged_at` (set once the broker confirmed it) and the bridge's
 * own claim (`bridge_next_at` lease, `bridge_claims` token), apart from the
 * relay's, so listeners and the broker never wait on each other. Two partial
 * indexes hold only the events not yet bridged: the claim's scan in id order,
 * and its per-order lookup of an older event still waiting. `baofoo_bridges`
 * says a bridge runs, so housekeeping keeps the events it has not published.
 */
export class BaofooBridge1764360000000 implements MigrationInterface {
  name = 'BaofooBridge1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "bridged_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "bridge_next_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "bridge_claims" integer NOT NULL DEFAULT '0'`);
    await q.query(`CREATE INDEX "baofoo_outbox_unbridged" ON "baofoo_outbox" ("id") WHERE "bridged_at" IS NULL`);
    await q.query(`CREATE INDEX "baofoo_outbox_unbridged_order" ON "baofoo_outbox" ("order_id", "id") WHERE "bridged_at" IS NULL`);
    await q.query(`CREATE TABLE "baofoo_bridges" ("exchange" character varying(255) NOT NULL, "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_baofoo_bridges" PRIMARY KEY ("exchange"))`);
    await q.query(schemaVersionSql(1764360000000));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "baofoo_bridges"`);
    await q.query(`DROP INDEX "baofoo_outbox_unbridged_order"`);
    await q.query(`DROP INDEX "baofoo_outbox_unbridged"`);
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "bridge_claims"`);
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "bridge_next_at"`);
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "bridged_at"`);
    await q.query(schemaVersionSql(1764350000000));
  }
}
