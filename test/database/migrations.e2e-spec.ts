import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
import { BaofooAdditionalInfoMismatchOnce1764340000000 } from '../../src/baofoo/database/migrations/1764340000000-baofoo-additional-info-mismatch-once.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('the shipped migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(baofooPostgresOptions({ url: db.url, poolSize: 2 })).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('create exactly the schema the entities describe, so no synchronize is ever needed', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('refuse a second order with the same merchant and TransID', async () => {
    const insert = `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url)
      VALUES ('100000178', '10000001', 'T2026112500000001', '', '20261125120000', 100, 'PENDING', 1, 'http://a/p', 'http://a/r')`;
    await ds.query(insert);
    await expect(ds.query(insert)).rejects.toThrow(/baofoo_payment_orders_merchant_trans_id/);
  });

  it('refuse a status outside the state machine and a non-positive amount', async () => {
    const insert = (status: string, money: number) =>
      ds.query(
        `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url)
         VALUES ('100000178', '10000001', $1, '', '20261125120000', $2, $3, 1, 'http://a/p', 'http://a/r')`,
        [`X${Math.random().toString(36).slice(2, 12)}`, money, status],
      );
    await expect(insert('SETTLED', 100)).rejects.toThrow(/baofoo_payment_orders_status/);
    await expect(insert('PENDING', 0)).rejects.toThrow(/baofoo_payment_orders_money/);
  });

  it('keep the first AdditionalInfo flag of each order, with its delivery records, when upgrading from a version that raised one per resend', async () => {
    // Back to the schema before the widened index: that migration and every later one undone.
    const undo = BAOFOO_MIGRATIONS.length - BAOFOO_MIGRATIONS.indexOf(BaofooAdditionalInfoMismatchOnce1764340000000);
    for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'all' });
    const flag = (orderId: number, tag: string) =>
      ds.query(
        `WITH e AS (INSERT INTO baofoo_outbox (event_id, type, order_id, payload) VALUES (gen_random_uuid(), $1, $2, jsonb_build_object('reason', 'the echoed AdditionalInfo differs', 'tag', $3::text)) RETURNING event_id)
         INSERT INTO baofoo_event_deliveries (event_id, event_type, listener, status, attempts) SELECT event_id, $1, 'shop.audit', 'delivered', 1 FROM e`,
        ['baofoo.notification.additional_info_mismatch', orderId, tag],
      );
    for (const [orderId, tag] of [[901, 'a1'], [901, 'a2'], [902, 'b1'], [901, 'a3'], [902, 'b2']] as const) await flag(orderId, tag);
    await ds.query(`INSERT INTO baofoo_outbox (event_id, type, order_id, payload) VALUES (gen_random_uuid(), 'baofoo.payment.anomaly', 901, '{"reason":"x"}'), (gen_random_uuid(), 'baofoo.payment.anomaly', 901, '{"reason":"y"}')`);

    await ds.runMigrations({ transaction: 'all' });

    const left: { type: string; tag: string | null; deliveries: number }[] = await ds.query(
      `SELECT o.type, o.payload->>'tag' AS tag, (SELECT count(*)::int FROM baofoo_event_deliveries d WHERE d.event_id = o.event_id) AS deliveries
         FROM baofoo_outbox o WHERE o.order_id IN (901, 902) ORDER BY o.id`,
    );
    expect(left).toEqual([
      { type: 'baofoo.notification.additional_info_mismatch', tag: 'a1', deliveries: 1 },
      { type: 'baofoo.notification.additional_info_mismatch', tag: 'b1', deliveries: 1 },
      { type: 'baofoo.payment.anomaly', tag: null, deliveries: 0 },
      { type: 'baofoo.payment.anomaly', tag: null, deliveries: 0 },
    ]);
    const [{ orphans }] = await ds.query(`SELECT count(*)::int AS orphans FROM baofoo_event_deliveries d WHERE NOT EXISTS (SELECT 1 FROM baofoo_outbox o WHERE o.event_id = d.event_id)`);
    expect(orphans).toBe(0);
    await expect(flag(902, 'b3')).rejects.toThrow(/baofoo_outbox_anomaly_once/);
  });

  it('roll back cleanly', async () => {
    for (let i = 0; i < BAOFOO_MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'all' });
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'baofoo_%'`);
    expect(tables).toEqual([]);
    await ds.runMigrations();
  });
});
