import { BAOFOO_EVENT_NAMES, BAOFOO_EVENTS_EXCHANGE, type BaofooEventName } from '../baofoo-events.ts';
import { BAOFOO_EVENT_SCHEMAS } from './event-schemas.ts';

/**
 * The version of the event contract (AsyncAPI `info.version`), not of the
 * package: a new optional field is a minor, a removed or changed one a major.
 */
export const BAOFOO_EVENTS_CONTRACT_VERSION = '1.0.0';

const AMQP_BINDING = '0.2.0';

const MESSAGE_PROPERTIES =
  'AMQP properties: message-id = the payload’s eventId (deduplicate on it), type = the event’s name, timestamp = occurredAt in whole seconds (AMQP timestamps are POSIX seconds), ' +
  'content-type = application/json, content-encoding = utf-8, app-id = nestjs-baofoo, delivery mode 2 (persistent). The body is the payload as UTF-8 JSON.';

const DESCRIPTION = [
  `What the module’s RabbitMQ bridge publishes: every committed event of the outbox, once the broker confirmed it, to the durable topic exchange \`${BAOFOO_EVENTS_EXCHANGE}\` with the event’s name as the routing key. Bind a queue with \`baofoo.#\` for everything, \`baofoo.payment.*\` for the payment outcomes, or one name.`,
  'Delivery is at least once: a consumer deduplicates on message-id (the eventId). The events of one order arrive in the order they were committed; there is no order across orders.',
  'Money is integer fen (1 yuan = 100 fen). occurredAt is ISO 8601 in UTC; the gateway’s SuccTime is yyyyMMddHHmmss in Asia/Shanghai time (UTC+8).',
].join('\n\n');

function channel(name: BaofooEventName) {
  return {
    description: `Routing key ${name} on the exchange ${BAOFOO_EVENTS_EXCHANGE}.`,
    // AsyncAPI 2: `subscribe` is what a consumer of this application receives.
    subscribe: {
      operationId: `receive.${name}`,
      bindings: { amqp: { deliveryMode: 2, timestamp: true, ack: true, bindingVersion: AMQP_BINDING } },
      message: { $ref: `#/components/messages/${name}` },
    },
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: BAOFOO_EVENTS_EXCHANGE, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: AMQP_BINDING,
      },
    },
  };
}

function message(name: BaofooEventName) {
  const description = BAOFOO_EVENT_SCHEMAS[name].json.description;
  return {
    name,
    title: name,
    summary: description,
    description: MESSAGE_PROPERTIES,
    contentType: 'application/json',
    correlationId: { description: 'The event’s stable id, also its AMQP message-id', location: '$message.payload#/eventId' },
    payload: { $ref: `#/components/schemas/${name}` },
    bindings: { amqp: { contentEncoding: 'utf-8', messageType: name, bindingVersion: AMQP_BINDING } },
  };
}

const byName = <T>(build: (name: BaofooEventName) => T) => Object.fromEntries(BAOFOO_EVENT_NAMES.map((name) => [name, build(name)]));

/** The AsyncAPI 2.6 document of the bridge's exchange, built from the event schemas: what `asyncapi/baofoo-events.json` holds. */
export function baofooAsyncApiDocument() {
  return {
    asyncapi: '2.6.0',
    id: 'urn:nestjs-baofoo:events',
    info: { title: 'nestjs-baofoo payment events', version: BAOFOO_EVENTS_CONTRACT_VERSION, description: DESCRIPTION, license: { name: 'MIT' } },
    servers: {
      broker: {
        url: '{host}',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'Your RabbitMQ: the one BAOFOO_BRIDGE_AMQP_URL (or the bridge’s url option) names.',
        variables: { host: { default: 'localhost:5672' } },
      },
    },
    defaultContentType: 'application/json',
    channels: byName(channel),
    components: {
      messages: byName(message),
      schemas: byName((name) => BAOFOO_EVENT_SCHEMAS[name].json),
    },
  };
}

/** The document as the committed file spells it. */
export function baofooAsyncApiJson(): string {
  return `${JSON.stringify(baofooAsyncApiDocument(), null, 2)}\n`;
}
