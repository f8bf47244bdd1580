import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
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

  it('roll back cleanly', async () => {
    for (let i = 0; i < BAOFOO_MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'all' });
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'baofoo_%'`);
    expect(tables).toEqual([]);
    await ds.runMigrations();
  });
});
