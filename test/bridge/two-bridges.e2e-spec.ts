import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startRabbitMq, type RabbitMq } from '../../src/infra/rabbitmq.ts';
import { startAppProcess, type AppProcess } from '../chaos/app-process.ts';
import { chaosTransId, seedChaosDatabase } from '../chaos/chaos-fixtures.ts';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/test-database.ts';
import { bridgeReport, drainQueue, bindQueue, mislabelled, orderSequences, outboxEvents, sendUntilOk, unbridgedCount, until } from './bridge-support.ts';

const ORDERS = 200;
const MONEY = 100;
const QUEUE = 'two-bridges';

/**
 * Two instances, each with its bridge, on one database and one broker: the
 * claims (SKIP LOCKED, leases, only the oldest unbridged event of an order)
 * share the work without publishing an order's events out of order or
 * leaving one behind. Each order gets a success through one instance and a
 * failure through the other, so most orders have two events written by
 * different processes.
 */
describe('two instances bridging the same outbox', () => {
  let broker: RabbitMq;
  let db: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    [broker, db] = await Promise.all([startRabbitMq(), createEmptyDatabase()]);
    await seedChaosDatabase(db.url, ORDERS, MONEY);
    await bindQueue(broker.url, QUEUE);
    for (let i = 0; i < 2; i++) apps.push(await startAppProcess(new URL('./child/bridge-app.ts', import.meta.url), { DATABASE_URL: db.url, BAOFOO_BRIDGE_AMQP_URL: broker.url }));
  }, 180_000);

  afterAll(async () => {
    for (const app of apps) await app.kill();
    await broker?.stop();
    await db?.drop();
  }, 120_000);

  it('publishes every event once confirmed, each order in commit order, with both bridges taking part', async () => {
    const check = new pg.Client(db.url);
    check.on('error', () => undefined);
    await check.connect();
    try {
      const transIds = Array.from({ length: ORDERS }, (_, i) => chaosTransId(i + 1));
      const died = Promise.race(apps.map((a) => a.died));
      const send = (app: AppProcess, overrides: Record<string, string>) =>
        Promise.all(
          Array.from({ length: 4 }, async (_, lane) => {
            for (let i = lane; i < transIds.length; i += 4) await sendUntilOk(app.url, formBody(successFields(transIds[i], MONEY, overrides)));
          }),
        );
      await Promise.race([Promise.all([send(apps[0], {}), send(apps[1], { Result: '0', ResultDesc: '0000' })]), died]);
      let waiting = 0;
      await Promise.race([until(async () => (waiting = await unbridgedCount(check)) === 0, 'empty bridge backlog', () => `(${waiting} events wait)`), died]);

      const events = await outboxEvents(check);
      const messages = await drainQueue(broker.url, QUEUE);
      const reports = await Promise.all(apps.map(bridgeReport));
      const { outOfOrder, multiEventOrders } = orderSequences(messages, events);
      process.stdout.write(`two bridges: ${events.length} events, ${messages.length} messages, published ${reports.map((r) => r.published).join(' + ')}, ${multiEventOrders} orders with two events\n`);

      expect(apps.map((a) => a.exit())).toEqual([undefined, undefined]);
      expect(new Set(messages.map((m) => m.messageId))).toEqual(new Set(events.map((e) => e.event_id)));
      expect(mislabelled(messages, events)).toEqual([]);
      expect(multiEventOrders).toBeGreaterThan(0);
      expect(outOfOrder).toEqual([]);
      // Every event was recorded as published by one of the bridges (a lease taken over would count one twice), and both took part.
      expect(reports.reduce((n, r) => n + r.published, 0)).toBeGreaterThanOrEqual(events.length);
      expect(reports.every((r) => r.published > 0)).toBe(true);
    } finally {
      await check.end();
    }
  }, 300_000);
});
