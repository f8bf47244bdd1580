import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation also claims REVIEW orders that still await their money (the
 * gateway said "processing" at the maximum age): the due-query index covers
 * them too. Settled orders keep next_query_at NULL.
 */
export class BaofooReviewRequery1764300000000 implements MigrationInterface {
  name = 'BaofooReviewRequery1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_payment_orders_due_query"`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_due_query" ON "baofoo_payment_orders" ("next_query_at") WHERE "status" IN ('PENDING', 'REVIEW')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "baofoo_payment_orders_due_query"`);
    await q.query(`CREATE INDEX "baofoo_payment_orders_due_query" ON "baofoo_payment_orders" ("next_query_at") WHERE "status" = 'PENDING'`);
  }
}
