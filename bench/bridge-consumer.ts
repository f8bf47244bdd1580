import amqp from 'amqplib';
import { bindEventsQueue } from '../src/infra/rabbitmq.ts';

/**
 * What a shop's service downstream of the bridge does first: a durable queue
 * bound to every routing key of `baofoo.events`, declared as the bridge
 * declares the exchange (a topic exchange drops what no queue is bound to, so
 * it is bound before the first event), noting when each `message-id` arrived.
 * Durable, because persistent messages on a durable queue are what the
 * broker writes to disk before it confirms: the confirm cost a shop pays.
 */
export interface BridgeConsumer {
  /** Epoch ms of the first arrival of each message-id (event id). */
  readonly receivedAt: ReadonlyMap<string, number>;
  /** Deliveries, duplicates included. */
  readonly deliveries: number;
  close(): Promise<void>;
}

export async function startBridgeConsumer(url: string, queue: string): Promise<BridgeConsumer> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await bindEventsQueue(channel, queue);
  const receivedAt = new Map<string, number>();
  let deliveries = 0;
  await channel.consume(
    queue,
    (m) => {
      if (!m) return;
      const at = Date.now();
      deliveries += 1;
      const id = String(m.properties.messageId);
      if (!receivedAt.has(id)) receivedAt.set(id, at);
    },
    { noAck: true },
  );
  return {
    receivedAt,
    get deliveries() {
      return deliveries;
    },
    close: () => connection.close(),
  };
}
