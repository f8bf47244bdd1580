import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import amqp from 'amqplib';
import pg from 'pg';
import type { BaofooEvent } from '../../src/baofoo/events/baofoo-events.ts';
import { baofooEvent } from '../../src/baofoo/events/outbox-row.ts';
import { ConsumerModule } from '../../src/examples/rabbitmq-consumer/consumer.module.ts';
import { BAOFOO_EVENTS_EXCHANGE } from '../../src/baofoo/events/baofoo-events.ts';
import { consumerTransport } from '../../src/examples/rabbitmq-consumer/consumer-options.ts';
import { startRabbitMq, type RabbitMq } from '../../src/infra/rabbitmq.ts';
import { until } from '../events/outbox-test-app.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/test-database.ts';

const QUEUE = 'shop.baofoo-events';

const subject = (transId: string) =>
  ({ orderId: '1', transId, memberId: '100000178', terminalId: '10000001', orderMoney: 10000, factMoney: 10000, previousStatus: 'PENDING', source: 'notification' }) as const;
const paid = (transId: string) => baofooEvent('baofoo.payment.succeeded', { ...subject(transId), status: 'PAID', resultDesc: '01', succTime: '20261125120000', late: false, partial: false, shortfall: 0, reason: null });
const failed = (transId: string) => baofooEvent('baofoo.payment.failed', { ...subject(transId), factMoney: null, status: 'FAILED', resultDesc: '0013', succTime: null, reason: null });

/** Publishes `event` as the bridge does (docs/architecture/bridge-consumers.md), confirmed by the broker; `messageId: null` leaves the id out. */
async function publish(channel: amqp.ConfirmChannel, event: BaofooEvent, o: { messageId?: string | null } = {}): Promise<void> {
  const messageId = o.messageId === null ? undefined : (o.messageId ?? event.eventId);
  channel.publish(BAOFOO_EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), {
    messageId,
    type: event.type,
    timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    appId: 'nestjs-baofoo',
    persistent: true,
  });
  await channel.waitForConfirms();
}

describe('the example consumer (src/examples/rabbitmq-consumer) on a real RabbitMQ', () => {
  let broker: RabbitMq;
  let db: TestDatabase;
  let consumer: INestMicroservice;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  const log = new CapturedLog();

  beforeAll(async () => {
    [broker, db] = await Promise.all([startRabbitMq(), createEmptyDatabase()]);
    consumer = await NestFactory.createMicroservice(ConsumerModule.forRoot({ databaseUrl: db.url, retryDelayMs: 100 }), { ...consumerTransport({ amqpUrl: broker.url, queue: QUEUE }), logger: log });
    // Resolves once the queue is declared and bound to the exchange.
    await consumer.listen();
    connection = await amqp.connect(broker.url);
    channel = await connection.createConfirmChannel();
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
    await consumer?.close();
    await db?.drop();
    await broker?.stop();
  });

  async function sql(text: string): Promise<void> {
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  async function recorded(): Promise<{ messageId: string; type: string; transId: string; payload: BaofooEvent }[]> {
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT message_id AS "messageId", type, trans_id AS "transId", payload FROM received_baofoo_events ORDER BY received_at, message_id');
      return rows;
    } finally {
      await client.end();
    }
  }

  it('records each event once however many copies of its message-id arrive, acks them all, and rejects a message without an id', async () => {
    const first = paid('T2026112500000000001');
    const second = failed('T2026112500000000002');
    const last = paid('T2026112500000000003');

    await publish(channel, first);
    await publish(channel, second);
    // The copies a redelivery or a publish repeated after a lost confirm produce: same message-id, same body.
    await publish(channel, first);
    await publish(channel, second);
    await publish(channel, failed('T2026112500000000004'), { messageId: null });
    // With one message in flight (prefetch 1), the last one recorded means every earlier one was handled.
    await publish(channel, last);
    await until(async () => (await recorded()).some((r) => r.messageId === last.eventId), 20_000, 'the last event recorded');

    const rows = await recorded();
    expect(rows.map((r) => r.messageId).sort()).toEqual([first.eventId, second.eventId, last.eventId].sort());
    expect(rows.find((r) => r.messageId === first.eventId)).toEqual({ messageId: first.eventId, type: 'baofoo.payment.succeeded', transId: 'T2026112500000000001', payload: first });
    expect(log.lines.filter((l) => l.message.startsWith('duplicate of'))).toHaveLength(2);
    expect(log.lines.filter((l) => l.level === 'warn' && l.message.includes('without a message-id'))).toHaveLength(1);
    // Nothing left waiting or unacknowledged: the copies were acked, the message without an id rejected.
    const queues = await broker.ctl('list_queues', '-q', 'name', 'messages');
    expect(queues).toMatch(new RegExp(`^${QUEUE.replace('.', '\\.')}\\s+0$`, 'm'));
  });

  it('requeues an event it could not record and records it once the database takes it again', async () => {
    const event = paid('T2026112500000000005');
    const failures = () => log.lines.filter((l) => l.level === 'error' && l.message.includes(`event ${JSON.stringify(event.eventId)} not recorded, requeued`)).length;
    // The table gone stands for a database that refuses the write.
    await sql('ALTER TABLE received_baofoo_events RENAME TO received_baofoo_events_away');
    try {
      await publish(channel, event);
      await until(() => failures() >= 2, 20_000, 'the event requeued twice');
    } finally {
      await sql('ALTER TABLE received_baofoo_events_away RENAME TO received_baofoo_events');
    }

    await until(async () => (await recorded()).some((r) => r.messageId === event.eventId), 20_000, 'the requeued event recorded');
    expect((await recorded()).filter((r) => r.messageId === event.eventId)).toHaveLength(1);
  });
});
