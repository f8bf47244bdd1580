import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { asyncApiErrors } from '../../../../test/support/event-schema-validator.ts';
import { BAOFOO_EVENT_NAMES } from '../baofoo-events.ts';
import { baofooAsyncApiDocument, baofooAsyncApiJson } from './asyncapi-document.ts';

const COMMITTED = new URL('../../../../asyncapi/baofoo-events.json', import.meta.url);

describe('the AsyncAPI document of the bridge', () => {
  it('is what asyncapi/baofoo-events.json holds, so the shipped file never drifts from the event schemas', () => {
    if (readFileSync(COMMITTED, 'utf8') !== baofooAsyncApiJson()) {
      throw new Error('asyncapi/baofoo-events.json is out of date with the event schemas: run `npm run asyncapi` and commit asyncapi/baofoo-events.json');
    }
  });

  it('is a valid AsyncAPI 2.6 document by the official schema, which refuses one without a version', () => {
    const document = baofooAsyncApiDocument();

    expect(asyncApiErrors(document)).toEqual([]);
    expect(asyncApiErrors({ ...document, info: { title: document.info.title } })).toEqual([expect.stringContaining("must have required property 'version'")]);
  });

  it('names every event as a routing key on the durable topic exchange baofoo.events, with its message and schema', () => {
    const { channels, components } = baofooAsyncApiDocument();

    expect(Object.keys(channels)).toEqual([...BAOFOO_EVENT_NAMES]);
    for (const name of BAOFOO_EVENT_NAMES) {
      expect(channels[name].bindings.amqp).toMatchObject({ is: 'routingKey', exchange: { name: 'baofoo.events', type: 'topic', durable: true } });
      expect(channels[name].subscribe.message).toEqual({ $ref: `#/components/messages/${name}` });
      expect(components.messages[name]).toMatchObject({ contentType: 'application/json', payload: { $ref: `#/components/schemas/${name}` }, bindings: { amqp: { messageType: name } } });
      expect(components.schemas[name]).toMatchObject({ type: 'object', additionalProperties: false, properties: { type: { const: name } } });
    }
  });
});
