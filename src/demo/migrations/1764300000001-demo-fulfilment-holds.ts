import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A fulfilment the shop holds back for a person (a partial prepaid-card payment) instead of shipping. */
export class DemoFulfilmentHolds1764300000001 implements MigrationInterface {
  name = 'DemoFulfilmentHolds1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "demo_fulfilments" ADD "held_reason" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "demo_fulfilments" DROP COLUMN "held_reason"`);
  }
}
