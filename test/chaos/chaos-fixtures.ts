import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import { OnBaofooEvent } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';

/** The TransID of the chaos suites' order number `n` (1-based). */
export const chaosTransId = (n: number) => `C${String(n).padStart(19, '0')}`;

/** Migrates a fresh database, adds the listener's effect table and `orders` PENDING orders of `money` (C…0001 onwards). */
export async function seedChaosDatabase(url: string, orders: number, money: number): Promise<void> {
  const ds = await new DataSource(baofooPostgresOptions({ url, poolSize: 1 })).initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await ds.query('CREATE TABLE chaos_effects (event_id uuid PRIMARY KEY, trans_id varchar(20) NOT NULL)');
    await ds.query(
      `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url, next_query_at)
       SELECT '100000178', '10000001', 'C' || lpad(n::text, 19, '0'), '3002', '20261125120000', $1, 'PENDING', 1, 'http://127.0.0.1/r', 'http://127.0.0.1/n', now()
         FROM generate_series(1, $2) AS n`,
      [money, orders],
    );
  } finally {
    await ds.destroy();
  }
}

/**
 * A listener with an effect of its own, written in its own transaction
 * through the module's database layer (`BaofooDatabase.transaction`, which
 * resolves only on a confirmed COMMIT).
 */
@Injectable()
export class FulfilmentEffect {
  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'chaos.fulfilment' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded']): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO chaos_effects (event_id, trans_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [event.eventId, event.transId]);
    });
  }
}

/** Each order's status and its count of applied ledger rows. */
export async function settledOrders(client: pg.Client): Promise<{ trans_id: string; status: string; applied: number }[]> {
  const { rows } = await client.query<{ trans_id: string; status: string; applied: number }>(
    `SELECT o.trans_id, o.status, (SELECT count(*)::int FROM baofoo_notification_ledger l WHERE l.trans_id = o.trans_id AND l.verdict = 'applied') AS applied
       FROM baofoo_payment_orders o ORDER BY o.trans_id`,
  );
  return rows;
}

/** The chaos listener's deliveries on record, each with whether its effect row exists. */
export async function fulfilmentDeliveries(client: pg.Client): Promise<{ event_id: string; effect: boolean }[]> {
  const { rows } = await client.query<{ event_id: string; effect: boolean }>(
    `SELECT outcomes.event_id, EXISTS (SELECT 1 FROM chaos_effects e WHERE e.event_id = outcomes.event_id) AS effect
       FROM ${DELIVERY_OUTCOMES} WHERE outcomes.listener = 'chaos.fulfilment' AND outcomes.status = 'delivered'`,
  );
  return rows;
}
