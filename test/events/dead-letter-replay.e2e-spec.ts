import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { replayDeadLetters } from '../../src/baofoo/events/dead-letter-replay.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { commitOutboxRows, paidEvent } from './outbox-test-app.ts';

/**
 * The replay statement on its own, against PostgreSQL: what it does to the
 * queue time of the event it reopens.
 */
describe('replaying a dead-lettered delivery', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const tx = { query: async <R extends pg.QueryResultRow>(sql: unknown, params?: readonly unknown[]) => (await client.query<R>(sql as string, params as unknown[])).rows };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client(db.url);
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  /** An event with one dead delivery (`broken`), delivered (`open` false) or still leased for an hour by a relay calling its other listeners. */
  async function eventWithDeadListener(open: boolean): Promise<string> {
    const row = outboxRow(paidEvent());
    await commitOutboxRows(db.url, [row], { notify: false });
    await client.query(
      `UPDATE baofoo_outbox SET delivered_at = ${open ? 'NULL' : 'now()'}, next_attempt_at = ${open ? "now() + interval '1 hour'" : 'now()'}, attempts = 5 WHERE event_id = $1`,
      [row.event_id],
    );
    await client.query(
      `INSERT INTO baofoo_event_deliveries (event_id, event_type, listener, status, attempts, last_error, dead_at) VALUES ($1, 'baofoo.payment.succeeded', 'broken', 'dead', 5, 'down', now())`,
      [row.event_id],
    );
    return row.event_id;
  }

  const queuedInSeconds = async (eventId: string) =>
    (await client.query<{ s: number }>(`SELECT extract(epoch FROM next_attempt_at - now())::float8 AS s FROM baofoo_outbox WHERE event_id = $1`, [eventId])).rows[0].s;

  it('leaves the lease of an event still being delivered in place, so its other listeners are not called twice', async () => {
    const eventId = await eventWithDeadListener(true);

    expect(await replayDeadLetters(tx, { eventIds: [eventId] })).toHaveLength(1);

    expect(await queuedInSeconds(eventId)).toBeGreaterThan(3500);
  });

  it('puts a delivered event back in the queue at once', async () => {
    const eventId = await eventWithDeadListener(false);

    expect(await replayDeadLetters(tx, { eventIds: [eventId] })).toHaveLength(1);

    const [row] = (await client.query<{ delivered: boolean }>(`SELECT delivered_at IS NOT NULL AS delivered FROM baofoo_outbox WHERE event_id = $1`, [eventId])).rows;
    expect(row.delivered).toBe(false);
    expect(await queuedInSeconds(eventId)).toBeLessThanOrEqual(0);
  });
});
