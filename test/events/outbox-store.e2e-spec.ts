import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { BaofooTransaction } from '../../src/baofoo/database/baofoo-database.ts';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import { outboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { claimDueEvents, finishEvents, insertOutboxRows, loadDeliveryStates, type ClaimedEvent, type FinishedEvent } from '../../src/baofoo/events/outbox-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { paidEvent } from './outbox-test-app.ts';

/** Two relays' claims of one event: the first one's lease ran out (a lease of -1 s is over at once) and the second took it. */
describe('finishing an event whose claim another relay took meanwhile', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let sql: BaofooTransaction;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client(db.url);
    await client.connect();
    sql = { query: async (text, params) => (await client.query(typeof text === 'string' ? text : text.text, params as unknown[])).rows };
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  async function twoClaims(): Promise<[ClaimedEvent, ClaimedEvent]> {
    const event = paidEvent();
    await insertOutboxRows(sql, [outboxRow(event)]);
    const [first] = await claimDueEvents(sql, 1, -1000);
    const [second] = await claimDueEvents(sql, 1, 10_000);
    expect([first.eventId, second.eventId, first.claims, second.claims]).toEqual([event.eventId, event.eventId, 1, 2]);
    return [first, second];
  }

  const firstTry = (claim: ClaimedEvent, listener: string): FinishedEvent => ({
    id: claim.id,
    claims: claim.claims,
    done: true,
    deliveries: [],
    firstTry: { listener, status: 'delivered', attempts: 1, lastError: null, delayMs: null, eventId: claim.eventId, eventType: claim.type },
  });

  async function outcomes(eventId: string) {
    const [row] = await sql.query<{ delivered: boolean; first_try: string[] | null }>(`SELECT delivered_at IS NOT NULL AS delivered, first_try_listeners AS first_try FROM baofoo_outbox WHERE event_id = $1`, [eventId]);
    const all = await sql.query<{ listener: string; status: string }>(`SELECT listener, status FROM ${DELIVERY_OUTCOMES} WHERE event_id = $1 ORDER BY listener`, [eventId]);
    return { ...row, all };
  }

  it("records the lost claim's first try as a record, leaves the event to the current claim, and the next claim does not run that listener", async () => {
    const [lost, current] = await twoClaims();

    await finishEvents(sql, [firstTry(lost, 'Shop.fulfil')]);

    expect(await outcomes(lost.eventId)).toEqual({ delivered: false, first_try: null, all: [{ listener: 'Shop.fulfil', status: 'delivered' }] });
    const states = await loadDeliveryStates(sql, [current.eventId]);
    expect(states.get(current.eventId)?.get('Shop.fulfil')).toMatchObject({ status: 'delivered' });
  });

  it('writes no second outcome when the current claim already named the listener as its own first try', async () => {
    const [lost, current] = await twoClaims();

    await finishEvents(sql, [firstTry(current, 'Shop.fulfil')]);
    await finishEvents(sql, [firstTry(lost, 'Shop.fulfil')]);

    expect(await outcomes(lost.eventId)).toEqual({ delivered: true, first_try: ['Shop.fulfil'], all: [{ listener: 'Shop.fulfil', status: 'delivered' }] });
  });
});
