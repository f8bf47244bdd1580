import { setTimeout as delay } from 'node:timers/promises';
import { ADMIN_MARK, type BenchDatabase } from './bench-database.ts';

/** Orders of a prefix that are PAID. */
export async function paidCount(db: BenchDatabase, prefix: string): Promise<number> {
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM baofoo_payment_orders WHERE trans_id LIKE $1 AND status = 'PAID'`, [`${prefix}%`]);
  return rows[0].n;
}

/** Outbox events the RabbitMQ bridge has not had confirmed yet. */
export async function unbridgedCount(db: BenchDatabase): Promise<number> {
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM baofoo_outbox WHERE bridged_at IS NULL`);
  return rows[0].n;
}

async function undeliveredCount(db: BenchDatabase): Promise<number> {
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL`);
  return rows[0].n;
}

/** Waits until `count` reaches 0, looking every `everyMs`; returns how long that took, in ms. */
async function waitForNone(count: () => Promise<number>, what: string, timeoutMs: number, everyMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const n = await count();
    if (n === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${n} outbox events still ${what} after ${timeoutMs} ms`);
    await delay(everyMs);
  }
}

/** Waits until every outbox event is delivered; returns how long that took, in ms. */
export function waitForOutboxDrained(db: BenchDatabase, timeoutMs: number): Promise<number> {
  return waitForNone(() => undeliveredCount(db), 'undelivered', timeoutMs, 50);
}

/** Waits until the broker confirmed every outbox event; returns how long that took, in ms (to 20 ms). */
export function waitForBridged(db: BenchDatabase, timeoutMs: number): Promise<number> {
  return waitForNone(() => unbridgedCount(db), 'not bridged', timeoutMs, 20);
}
