import { setTimeout as delay } from 'node:timers/promises';
import { ADMIN_MARK, type BenchDatabase } from './bench-database.ts';

/** Orders of a prefix that are PAID. */
export async function paidCount(db: BenchDatabase, prefix: string): Promise<number> {
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM baofoo_payment_orders WHERE trans_id LIKE $1 AND status = 'PAID'`, [`${prefix}%`]);
  return rows[0].n;
}

/** Waits until every outbox event is delivered; returns how long that took, in ms. */
export async function waitForOutboxDrained(db: BenchDatabase, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL`);
    if (rows[0].n === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${rows[0].n} outbox events still undelivered after ${timeoutMs} ms`);
    await delay(50);
  }
}
