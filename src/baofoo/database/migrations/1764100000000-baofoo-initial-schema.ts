import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, the notification ledger and the event outbox. */
export class BaofooInitialSchema1764100000000 implements MigrationInterface {
  name = 'BaofooInitialSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "baofoo_payment_orders" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "member_id" character varying(20) NOT NULL, "terminal_id" character varying(20) NOT NULL, "trans_id" character varying(20) NOT NULL, "pay_id" character varying(10) NOT NULL, "trade_date" character varying(14) NOT NULL, "order_money" bigint NOT NULL, "fact_money" bigint, "status" character varying(16) NOT NULL, "version" integer NOT NULL, "product_name" character varying(64) NOT NULL DEFAULT '', "additional_info" character varying(128) NOT NULL DEFAULT '', "page_url" character varying(1024) NOT NULL, "return_url" character varying(255) NOT NULL, "result_desc" character varying(8), "succ_time" character varying(14), "settled_by" character varying(16), "settled_at" TIMESTAMP WITH TIME ZONE, "review_reason" text, "next_query_at" TIMESTAMP WITH TIME ZONE, "query_attempts" integer NOT NULL DEFAULT '0', "last_query_at" TIMESTAMP WITH TIME ZONE, "last_check_result" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "baofoo_payment_orders_money" CHECK ("order_money" > 0 AND ("fact_money" IS NULL OR "fact_money" >= 0)), CONSTRAINT "baofoo_payment_orders_status" CHECK ("status" IN ('PENDING', 'PAID', 'FAILED', 'REVIEW', 'EXPIRED')), CONSTRAINT "PK_888c0da227dfc1de06b90b78bc4" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_due_query" ON "baofoo_payment_orders"("next_query_at") WHERE "status" = 'PENDING'`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_payment_orders_merchant_trans_id" ON "baofoo_payment_orders"("member_id", "trans_id")`);
    await q.query(`CREATE TABLE "baofoo_notification_ledger" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "order_id" bigint, "member_id" character varying(64), "terminal_id" character varying(64), "trans_id" character varying(64), "source_ip" character varying(64) NOT NULL, "method" character varying(8) NOT NULL, "fields" jsonb, "raw_body" text NOT NULL, "verdict" character varying(16) NOT NULL, "reason_code" character varying(64), "reason" text, "key_id" character varying(64), "from_status" character varying(16), "to_status" character varying(16), "http_status" integer NOT NULL, CONSTRAINT "PK_043934adb92cb925c8758ae5c52" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "baofoo_notification_ledger_order_id" ON "baofoo_notification_ledger"("order_id")`);
    await q.query(`CREATE INDEX "baofoo_notification_ledger_trans_id" ON "baofoo_notification_ledger"("trans_id")`);
    await q.query(`CREATE TABLE "baofoo_outbox" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "event_id" uuid NOT NULL, "type" character varying(64) NOT NULL, "order_id" bigint, "trans_id" character varying(64), "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_31fbd707a3b2e967d16df75eb1f" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "baofoo_outbox_undelivered" ON "baofoo_outbox"("id") WHERE "delivered_at" IS NULL`);
    await q.query(`CREATE UNIQUE INDEX "baofoo_outbox_event_id" ON "baofoo_outbox"("event_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "baofoo_outbox"`);
    await q.query(`DROP TABLE "baofoo_notification_ledger"`);
    await q.query(`DROP TABLE "baofoo_payment_orders"`);
  }
}
