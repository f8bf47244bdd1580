import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startRabbitMq, type RabbitMq } from '../../src/infra/rabbitmq.ts';
import { startAppProcess, type AppProcess } from '../chaos/app-process.ts';
import { chaosTransId, seedChaosDatabase } from '../chaos/chaos-fixtures.ts';
import { startStorm } from '../chaos/sender-process.ts';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/test-database.ts';
import { bindQueue, bridgeReport, drainQueue, mislabelled, orderSequences, outboxEvents, sendUntilOk, unbridgedCount, until } from './bridge-support.ts';

const ORDERS = 600;
const SENDERS = 16;
const MONEY = 100;
/** A gateway retries every second; a tenth of that keeps the test short. */
const RETRY_MS = 100;
const QUEUE = 'bridge-storm';

interface FaultContext {
  broker: RabbitMq;
  /** Events not yet bridged, now. */
  unbridged(): Promise<number>;
  /** Commits one more event: a signed success for an order of its own, answered OK. */
  commitEvent(): Promise<void>;
}

interface Fault {
  name: string;
  atShare: number;
  run(context: FaultContext): Promise<void>;
}

/** Events the bridge held back while the memory alarm blocked it, counted just before the alarm cleared. */
let heldDuringAlarm = -1;

/*
 * One fault point early in the storm, running both faults in turn: the storm
 * does not wait for the broker (notifications never do), so a second fault
 * point could pass while the first fault still runs, and the sender skips it.
 */
const FAULTS: Fault[] = [
  {
    name: 'broker restarted, then blocked by a memory alarm',
    atShare: 0.15,
    async run({ broker, unbridged, commitEvent }) {
      await broker.restart();
      await broker.setMemoryAlarm(true);
      // An event committed now, whatever the storm does, waits for the alarm to clear.
      await commitEvent();
      // The bridge's connection (the only one) is `blocking` once the broker told it to stop publishing (connection.blocked),
      // which the bridge obeys by claiming nothing, or `blocked` if a publish was under way.
      let states = '';
      await until(async () => /\bblock(ing|ed)\b/.test((states = await broker.ctl('list_connections', '-q', '--no-table-headers', 'name', 'state'))), 'connection blocked by the memory alarm', () => `connections: ${states}`);
      heldDuringAlarm = await unbridged();
      await broker.setMemoryAlarm(false);
    },
  },
];

/**
 * The proof of the RabbitMQ bridge: a storm of signed success
 * notifications (the gateway-like sender of the chaos suites), with failure
 * notifications for every other order sent beside it so that those orders
 * have two events whose order matters (FAILED then a late PAID, or PAID then
 * an anomaly), while the broker is restarted and later blocked by a memory
 * alarm. The app runs in a process of its own with no handler for uncaught
 * errors. Afterwards the queue bound to the exchange holds every committed
 * event at least once, its distinct message ids are exactly the events, each
 * order's events are in commit order, nothing was dead-lettered, and every
 * notification was answered OK.
 */
describe('the RabbitMQ bridge through a broker restart and a memory alarm', () => {
  let broker: RabbitMq;
  let db: TestDatabase;
  let app: AppProcess | undefined;
  let senderProcess: ChildProcess | undefined;
  let appDied: Promise<never>;
  let baseUrl: string;

  beforeAll(async () => {
    // The broker is this suite's own: only the bridge suites pay for its start.
    [broker, db] = await Promise.all([startRabbitMq(), createEmptyDatabase()]);
    // The storm's orders, then one for the event the alarm's fault commits.
    await seedChaosDatabase(db.url, ORDERS + 1, MONEY);
    // The consumer's queue is bound before the first event is published: a topic exchange drops what no queue is bound to.
    await bindQueue(broker.url, QUEUE);
    app = await startAppProcess(new URL('./child/bridge-app.ts', import.meta.url), { DATABASE_URL: db.url, BAOFOO_BRIDGE_AMQP_URL: broker.url });
    appDied = app.died;
    baseUrl = app.url;
  }, 180_000);

  afterAll(async () => {
    if (senderProcess?.exitCode === null) senderProcess.kill();
    await app?.kill();
    await broker?.stop();
    await db?.drop();
  }, 120_000);

  it('puts every committed event in the bound queue, each order in commit order, nothing dead-lettered, every notification answered OK', async () => {
    const check = new pg.Client(db.url);
    check.on('error', () => undefined);
    await check.connect();
    const unbridged = () => unbridgedCount(check);
    try {
      const transIds = Array.from({ length: ORDERS }, (_, i) => chaosTransId(i + 1));
      const faultsRun: string[] = [];
      let faultFailed: (e: Error) => void = () => undefined;
      const faultFailure = new Promise<never>((_, reject) => {
        faultFailed = reject;
      });
      const storm = startStorm(
        { baseUrl, transIds, money: MONEY, senders: SENDERS, retryMs: RETRY_MS, faultAtOk: FAULTS.map((f) => Math.round(f.atShare * ORDERS)) },
        (m: { fault?: { index: number } }) => {
          if (!m.fault) return;
          const { index } = m.fault;
          FAULTS[index]
            .run({ broker, unbridged, commitEvent: () => sendUntilOk(baseUrl, formBody(successFields(chaosTransId(ORDERS + 1), MONEY))) })
            .then(() => {
              faultsRun.push(FAULTS[index].name);
              storm.sender.send({ faultDone: index });
            })
            .catch((e: unknown) => faultFailed(e as Error));
        },
      );
      senderProcess = storm.sender;
      // Failures for every other order, four at a time, beside the storm's successes.
      const failing = transIds.filter((_, i) => i % 2 === 1);
      const failures = (async () => {
        const queue = [...failing];
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            for (let t = queue.shift(); t; t = queue.shift()) await sendUntilOk(baseUrl, formBody(successFields(t, MONEY, { Result: '0', ResultDesc: '0000' })));
          }),
        );
      })();
      await Promise.race([Promise.all([storm.done, failures]), appDied, faultFailure]);

      // The bridge catches up once the broker is back and unblocked.
      let waiting = 0;
      await Promise.race([
        until(async () => (waiting = await unbridged()) === 0, 'empty bridge backlog', () => `(${waiting} events wait)`).catch(async (e: Error) => {
          const sessions = await check.query(
            `SELECT application_name, state, wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by, left(query, 120) AS query
               FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          throw new Error(`${e.message}; the bridge says ${JSON.stringify(await bridgeReport(app!))}; sessions: ${JSON.stringify(sessions.rows)}`);
        }),
        appDied,
      ]);
      expect(app?.exit()).toBeUndefined();

      const events = await outboxEvents(check);
      const deadLetters = (await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM baofoo_event_deliveries WHERE status = 'dead'`)).rows[0].n;
      const messages = await drainQueue(broker.url, QUEUE);
      const okTransIds = new Set(storm.answers.filter((a) => a.ok).map((a) => a.transId));
      const { outOfOrder, multiEventOrders: twoEventOrders } = orderSequences(messages, events);
      process.stdout.write(
        `bridge storm: ${ORDERS} orders (${failing.length} also sent a failure), ${events.length} events, ${messages.length} messages ` +
          `(${messages.length - new Set(messages.map((m) => m.messageId)).size} duplicates), ${twoEventOrders} orders with two events, ` +
          `${heldDuringAlarm} events held back during the alarm, faults: ${faultsRun.join(', ')}\n`,
      );

      expect(faultsRun).toEqual(FAULTS.map((f) => f.name));
      // The alarm really held events back: the bridge was blocked with events waiting.
      expect(heldDuringAlarm).toBeGreaterThan(0);
      expect(okTransIds).toEqual(new Set(transIds));
      // At least once, and exactly the committed events.
      expect(new Set(messages.map((m) => m.messageId))).toEqual(new Set(events.map((e) => e.event_id)));
      expect(mislabelled(messages, events)).toEqual([]);
      // Per-order order, checked on orders where it can fail.
      expect(twoEventOrders).toBeGreaterThan(0);
      expect(outOfOrder).toEqual([]);
      expect(deadLetters).toBe(0);
      expect(events.filter((e) => e.type === 'baofoo.delivery.dead_lettered')).toEqual([]);
    } finally {
      await check.end();
    }
  }, 300_000);
});
