import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counts of requests refused before a signature verified (RefusalRecorder):
 * one row per window, source and reason, so unsigned noise grows the database
 * by a bounded number of rows per window. And the per-merchant, per-minute
 * order-query budget every instance draws from (QueryBudgetStore). And one
 * `baofoo.payment.anomaly` per order and reason: a replayed failure after PAID
 * is recorded in the ledger copy by copy but raised once (the writers insert
 * outbox rows with ON CONFLICT DO NOTHING).
 */
export class BaofooRefusalCountsQueryBudget1764310000000 implements MigrationInterface {
  name = 'BaofooRefusalCountsQueryBudget1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "baofoo_refusal_counts" ("window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "source_ip" character varying(64) NOT NULL, "reason_code" character varying(64) NOT NULL, "count" bigint NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "sample_method" character varying(8) NOT NULL, "sample_body" text NOT NULL, CONSTRAINT "PK_f2dc68f76ff31c396a4c207bca3" PRIMARY KEY ("window_start", "source_ip", "reason_code"))`);
    await q.query(`CREATE TABLE "baofoo_query_budget" ("member_id" character varying(20) NOT NULL, "minute_start" TIMESTAMP WITH TIME ZONE NOT NULL, "used" integer NOT NULL, "last_grant" integer NOT NULL, CONSTRAINT "PK_c419d47c4a9d16ef10e682d4fc6" PRIMARY KEY ("member_id", "minute_start"))`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_outbox_anomaly_once" ON "baofoo_outbox" ("order_id", ("payload"->>'reason')) WHERE "type" = 'baofoo.payment.anomaly'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_outbox_anomaly_once"`);
    await q.query(`DROP TABLE "baofoo_query_budget"`);
    await q.query(`DROP TABLE "baofoo_refusal_counts"`);
  }
}
