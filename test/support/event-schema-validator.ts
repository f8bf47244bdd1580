import specs from '@asyncapi/specs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { BAOFOO_EVENT_SCHEMAS } from '../../src/baofoo/events/asyncapi/event-schemas.ts';
import type { BaofooEventName } from '../../src/baofoo/events/baofoo-events.ts';

// ajv-formats is CommonJS: under Node's ESM interop its plugin is the module's `default`.
const addFormats = addFormatsModule.default;

const eventsAjv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats(eventsAjv);

const text = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ');

/**
 * Checks a payload against the published schema of its `type` with ajv (not
 * the code under test): the list of what is wrong, empty when it is valid.
 */
export function eventSchemaErrors(payload: unknown): string[] {
  const type = (payload as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in BAOFOO_EVENT_SCHEMAS)) return [`no schema for type ${String(type)}`];
  const validate = eventsAjv.getSchema(type) ?? (eventsAjv.addSchema(BAOFOO_EVENT_SCHEMAS[type as BaofooEventName].json, type), eventsAjv.getSchema(type)!);
  return validate(payload) ? [] : [`${type}: ${text(validate.errors)}`];
}

/*
 * The official AsyncAPI 2.6.0 JSON Schema bundles the draft-07 meta-schema
 * under the id ajv registers by default: ajv's own meta-schemas stay out.
 */
const documentAjv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
addFormats(documentAjv);
const validateAsyncApi = documentAjv.compile(specs.schemas['2.6.0'] as object);

/** What the official AsyncAPI 2.6.0 schema finds wrong with `document`, empty when valid. */
export function asyncApiErrors(document: unknown): string[] {
  return validateAsyncApi(document) ? [] : [text(validateAsyncApi.errors)];
}
