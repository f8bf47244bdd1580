import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { startRabbitMq, type RabbitMq } from '../../src/infra/rabbitmq.ts';

/** Resolves true when something accepts TCP on the port, false when it is refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the throwaway RabbitMQ node', () => {
  let broker: RabbitMq;
  let folder: string;
  beforeAll(async () => {
    broker = await startRabbitMq();
    folder = (await broker.ctl('eval', 'rabbit_mnesia:dir().')).trim().replace(/^"|"$/g, '');
  }, 120_000);
  afterAll(async () => broker?.stop());

  it('keeps a durable queue and its confirmed persistent messages across a restart', async () => {
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('kept', { durable: true });
    channel.sendToQueue('kept', Buffer.from('one'), { persistent: true, messageId: 'm1' });
    await channel.waitForConfirms();
    await connection.close();

    await broker.restart();

    const again = await amqp.connect(broker.url);
    const reader = await again.createChannel();
    const message = await reader.get('kept', { noAck: true });
    await again.close();
    expect(message && message.properties.messageId).toBe('m1');
  }, 120_000);

  it('blocks publishers while the memory alarm is on, and unblocks them when it is off', async () => {
    const connection = await amqp.connect(broker.url);
    const blocked = new Promise<string>((resolve) => connection.once('blocked', resolve));
    const unblocked = new Promise<void>((resolve) => connection.once('unblocked', () => resolve()));
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('alarmed', { durable: true });
    await broker.setMemoryAlarm(true);
    // The broker blocks a connection when it next publishes: this message waits, unconfirmed, until the alarm clears.
    channel.sendToQueue('alarmed', Buffer.from('held'), { persistent: true });
    expect(await blocked).toMatch(/memory/i);
    let confirmed = false;
    const confirms = channel.waitForConfirms().then(() => (confirmed = true));
    await broker.setMemoryAlarm(false);
    await unblocked;
    await confirms;
    expect(confirmed).toBe(true);
    await connection.close();
  }, 120_000);

  it('stop() ends the node and its epmd and removes the folder', async () => {
    const { port } = broker;
    await broker.stop();
    expect(await accepts(port)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    broker = undefined as unknown as RabbitMq;
  }, 120_000);
});
