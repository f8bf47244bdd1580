import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaVersionSql } from '../schema-version.ts';

/**
 * `first_try_listeners` on the outbox: the listeners that had the event at
 * their first call, named by the statement that finishes it, instead of a
 * `baofoo_event_deliveries` row each (a heap tuple, a unique-index entry and
 * their WAL per event). Records stay for failures, retries, dead letters and
 * the outcomes written before the finish.
 */
export class BaofooFirstTryDeliveries1764370000000 implements MigrationInterface {
  name = 'BaofooFirstTryDeliveries1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "baofoo_outbox" ADD "first_try_listeners" character varying(200) array`);
    await q.query(schemaVersionSql(1764370000000));
  }

  async down(q: QueryRunner): Promise<void> {
    // The first-try outcomes become records again, so the code before this migration does not run those listeners twice.
    await q.query(
      `INSERT INTO "baofoo_event_deliveries" (event_id, event_type, listener, status, attempts, delivered_at)
       SELECT o.event_id, o.type, f.listener, 'delivered', 1, o.delivered_at
         FROM "baofoo_outbox" o CROSS JOIN LATERAL unnest(o.first_try_listeners) AS f(listener)
       ON CONFLICT (event_id, listener) DO NOTHING`,
    );
    await q.query(`ALTER TABLE "baofoo_outbox" DROP COLUMN "first_try_listeners"`);
    await q.query(schemaVersionSql(1764360000000));
  }
}
