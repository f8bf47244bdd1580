import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Nest's RMQ transport expects its own envelope (`{ pattern, data }`) in the
 * body; the bridge publishes the bare event, named by the AMQP `type`
 * property (the routing key). This turns such a message into a Nest event:
 * the pattern is the type, the data the whole body. A message without a type
 * matches no handler, and Nest rejects it without requeueing.
 */
export class BridgeMessageDeserializer implements ConsumerDeserializer {
  deserialize(body: unknown, properties?: { type?: unknown }): IncomingEvent {
    return { pattern: typeof properties?.type === 'string' ? properties.type : '', data: body };
  }
}
