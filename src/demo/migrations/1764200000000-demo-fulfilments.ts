import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The demo shop's own table. Both keys are unique so that fulfilment happens
 * once per event (redelivery) and once per order (two success events of one
 * order, e.g. a late payment after a replay), whichever arrives first.
 */
export class DemoFulfilments1764200000000 implements MigrationInterface {
  name = 'DemoFulfilments1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "demo_fulfilments" (
      "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      "event_id" uuid NOT NULL,
      "trans_id" varchar(20) NOT NULL,
      "fulfilled_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "demo_fulfilments_event_id" UNIQUE ("event_id"),
      CONSTRAINT "demo_fulfilments_trans_id" UNIQUE ("trans_id")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "demo_fulfilments"');
  }
}
