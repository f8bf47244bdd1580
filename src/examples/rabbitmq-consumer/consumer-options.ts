import { Transport, type RmqOptions } from '@nestjs/microservices';
import { BAOFOO_EVENTS_EXCHANGE } from '../../baofoo/events/baofoo-events.ts';
import { BridgeMessageDeserializer } from './bridge-message.deserializer.ts';

export interface ConsumerTransportOptions {
  amqpUrl: string;
  /** This service's own durable queue: each service that wants every event binds one of its own. */
  queue: string;
  /**
   * Messages handed to the handler before it acks: 1 keeps the queue's order
   * (one order's events in the order they were committed); more is faster,
   * but then two events of one order can be handled at the same time.
   */
  prefetch?: number;
}

/**
 * Nest's RMQ transport, bound to the bridge's exchange: it declares the
 * durable queue and binds it to `baofoo.events` with every `@EventPattern`
 * of the app as a routing key (`wildcards`), so `baofoo.#` takes all events.
 * Acks are manual: the handler acks once the event is recorded.
 */
export function consumerTransport(o: ConsumerTransportOptions): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [o.amqpUrl],
      queue: o.queue,
      queueOptions: { durable: true },
      noAck: false,
      prefetchCount: o.prefetch ?? 1,
      exchange: BAOFOO_EVENTS_EXCHANGE,
      exchangeType: 'topic',
      wildcards: true,
      deserializer: new BridgeMessageDeserializer(),
    },
  };
}
