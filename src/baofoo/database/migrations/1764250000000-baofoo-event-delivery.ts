import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-listener delivery records, the relay's retry schedule on the outbox,
 * and the wake-up trigger.
 *
 * The trigger NOTIFYs once per INSERT statement that added rows, so writers
 * need not do anything to wake the relay. NOTIFY has a cost at commit: the
 * committing transactions that notified are serialised on a cluster-wide
 * lock while they add to the notification queue. One empty-payload
 * notification per statement (PostgreSQL folds identical ones within a
 * transaction) keeps that section short; if it ever shows up under load,
 * `SET baofoo.outbox_notify = off` (per session, role or database) turns the
 * wake-up off and the relay's polling alone delivers.
 */
/** The wake-up trigger as this migration made it (migration 1764330000000 drops it, and its down() puts it back). */
export const OUTBOX_NOTIFY_FUNCTION_SQL = `CREATE FUNCTION "baofoo_outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('baofoo.outbox_notify', true), '') <> 'off' AND EXISTS (SELECT 1 FROM inserted) THEN
          PERFORM pg_notify('baofoo_outbox', '');
        END IF;
        RETURN NULL;
      END
    $$`;
export const OUTBOX_NOTIFY_TRIGGER_SQL = `CREATE TRIGGER "baofoo_outbox_notify" AFTER INSERT ON "baofoo_outbox" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "baofoo_outbox_notify"()`;

export class BaofooEventDelivery1764250000000 implements MigrationInterface {
  name = 'BaofooEventDelivery1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "baofoo_event_deliveries" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "event_id" uuid NOT NULL, "event_type" character varying(64) NOT NULL, "listener" character varying(200) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "last_error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "first_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, "dead_at" TIMESTAMP WITH TIME ZONE, "replays" integer NOT NULL DEFAULT '0', CONSTRAINT "baofoo_event_deliveries_status" CHECK ("status" IN ('delivered', 'failed', 'dead')), CONSTRAINT "PK_0848337069bc65cc10674bc6be0" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "baofoo_event_deliveries_dead" ON "baofoo_event_deliveries" ("dead_at") WHERE "status" = 'dead'`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_event_deliveries_event_listener" ON "baofoo_event_deliveries" ("event_id", "listener")`);
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "attempts" integer NOT NULL DEFAULT '0'`);
    await q.query(`CREATE INDEX "baofoo_outbox_due" ON "baofoo_outbox" ("next_attempt_at", "id") WHERE "delivered_at" IS NULL`);
    await q.query(OUTBOX_NOTIFY_FUNCTION_SQL);
    await q.query(OUTBOX_NOTIFY_TRIGGER_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "baofoo_outbox_notify" ON "baofoo_outbox"`);
    await q.query(`DROP FUNCTION "baofoo_outbox_notify"()`);
    await q.query(`DROP INDEX "baofoo_outbox_due"`);
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "attempts"`);
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "next_attempt_at"`);
    await q.query(`DROP TABLE "baofoo_event_deliveries"`);
  }
}
