import type { Options } from 'amqplib';
import type { BaofooEvent } from '../events/baofoo-events.ts';

/** One event as the broker gets it. */
export interface BridgeMessage {
  routingKey: string;
  body: Buffer;
  properties: Options.Publish;
}

export interface MessageShape {
  routingKey: (event: BaofooEvent) => string;
  messageProperties: (event: BaofooEvent) => Options.Publish;
}

/**
 * The message of one event: its JSON as the body, and the properties a
 * consumer relies on: `message-id` = `eventId` (the key to dedupe on),
 * `type` = the event's name, `timestamp` = when the change happened (AMQP
 * counts seconds), persistent delivery. The app's `messageProperties` come last.
 */
export function bridgeMessage(event: BaofooEvent, shape: MessageShape): BridgeMessage {
  const occurred = Date.parse(event.occurredAt);
  return {
    routingKey: shape.routingKey(event),
    body: Buffer.from(JSON.stringify(event), 'utf8'),
    properties: {
      messageId: event.eventId,
      type: event.type,
      timestamp: Math.floor((Number.isNaN(occurred) ? Date.now() : occurred) / 1000),
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      persistent: true,
      appId: 'nestjs-baofoo',
      ...shape.messageProperties(event),
    },
  };
}
