import { ORDER_STATUSES } from '../../orders/order-status.ts';
import type { BaofooEventMap, BaofooEventName } from '../baofoo-events.ts';
import { boolean, enumOf, integer, literal, nullable, object, optional, string, type Schema, type Static } from './json-schema.ts';

/*
 * The payload of every event as JSON Schema: what the AsyncAPI document
 * publishes for consumers in other languages. The compiler holds it to the
 * event types (`SchemasMatchTypes` below), and the specs validate events the
 * module really writes against it, so neither can drift from the other.
 */

const fen = (description: string) => integer({ minimum: 0, description: `${description}, in fen (1 yuan = 100 fen), a whole number` });
const status = (description: string) => nullable(enumOf(ORDER_STATUSES, { description }));
/** The gateway's own time format, in its zone: it is copied, never converted. */
const succTime = () =>
  nullable(string({ pattern: '^[0-9]{14}$', description: 'The gateway’s SuccTime: yyyyMMddHHmmss, Asia/Shanghai time (UTC+8), as the gateway sent it; null when it sent none' }));
const resultDesc = () => nullable(string({ description: 'The gateway’s ResultDesc code (protocol §5), null when the news did not come from the gateway' }));

/** What every event carries, `type` being its name. */
function base<const K extends BaofooEventName>(type: K) {
  return {
    eventId: string({ format: 'uuid', description: 'Stable id of this event (also the AMQP message-id): the key to deduplicate on; it never changes' }),
    type: literal(type, { description: 'The event’s name (also the routing key and the AMQP type)' }),
    occurredAt: string({ format: 'date-time', description: 'When the change happened, written with the change: ISO 8601 in UTC with milliseconds, e.g. 2026-11-25T04:00:00.000Z' }),
    orderId: nullable(string({ pattern: '^[0-9]+$', description: 'The order’s database id (a bigint, as a string); null when no order is involved' })),
    transId: nullable(string({ description: 'The merchant’s order number sent to the gateway (TransID)' })),
    memberId: nullable(string({ description: 'The merchant number (MemberID)' })),
    terminalId: nullable(string({ description: 'The terminal number (TerminalID)' })),
    orderMoney: nullable(fen('Amount ordered')),
    factMoney: nullable(fen('Amount actually paid (FactMoney / succMoney)')),
    status: status('The order’s state after the change'),
    previousStatus: status('The order’s state before the change'),
    source: enumOf(['notification', 'query', 'expiry', 'operator', 'system'], {
      description: 'Where the news came from: a gateway notification, an order query, the expiry of a pending order, an operator resolving a REVIEW, or the module itself',
    }),
  };
}

const resolvedBy = optional(
  object(
    { by: string({ description: 'Who resolved it' }), why: string({ description: 'Why, in their words' }) },
    { description: 'Present when an operator resolved a REVIEW order by hand' },
  ),
);

export const BAOFOO_EVENT_SCHEMAS = {
  'baofoo.payment.succeeded': object(
    {
      ...base('baofoo.payment.succeeded'),
      resultDesc: resultDesc(),
      succTime: succTime(),
      late: boolean({ description: 'True when the order had been FAILED or EXPIRED: money received is never dropped' }),
      partial: boolean({ description: 'True when a prepaid card paid less than the order (its face value)' }),
      shortfall: fen('orderMoney − factMoney: 0 for a full payment'),
      reason: nullable(string({ description: 'Why the payment is special (partial, AdditionalInfo flagged), or null' })),
      resolvedBy,
    },
    { description: 'The order is PAID.' },
  ),
  'baofoo.payment.failed': object(
    {
      ...base('baofoo.payment.failed'),
      resultDesc: resultDesc(),
      succTime: succTime(),
      reason: nullable(string({ description: 'Why beyond the gateway’s code (the money awaited in REVIEW never came, AdditionalInfo flagged), or null' })),
      resolvedBy,
    },
    { description: 'The order is FAILED; resultDesc is the gateway’s code.' },
  ),
  'baofoo.payment.review_required': object(
    { ...base('baofoo.payment.review_required'), reason: string({ description: 'What a person has to decide' }), resultDesc: resultDesc(), succTime: succTime() },
    { description: 'Money arrived but does not match the order (or the gateway kept answering P): the order is in REVIEW and a person decides.' },
  ),
  'baofoo.order.expired': object(
    {
      ...base('baofoo.order.expired'),
      reason: string({ description: 'Why it was given up' }),
      lastCheckResult: nullable(string({ description: 'The last order-query answer (Y, F, P or N), if any' })),
    },
    { description: 'A pending order the gateway never settled was given up.' },
  ),
  'baofoo.payment.anomaly': object(
    { ...base('baofoo.payment.anomaly'), reason: string({ description: 'What contradicts the order' }), resultDesc: resultDesc(), succTime: succTime() },
    { description: 'A valid result contradicts a settled order (e.g. a failure after PAID): nothing changed, someone should look. Raised once per order and reason.' },
  ),
  'baofoo.reconciliation.mismatch': object(
    {
      ...base('baofoo.reconciliation.mismatch'),
      reason: string({ description: 'What disagrees' }),
      checkResult: string({ description: 'The order query’s CheckResult (Y, F, P or N)' }),
      succMoney: nullable(fen('The amount the order query reports paid')),
    },
    { description: 'An order query disagrees with what a notification already settled.' },
  ),
  'baofoo.notification.rejected': object(
    {
      ...base('baofoo.notification.rejected'),
      reason: string({ description: 'Why it was refused, for people' }),
      reasonCode: string({ description: 'Why it was refused, as a stable code' }),
      sourceIp: nullable(string({ description: 'The address the notification came from' })),
    },
    { description: 'A notification signed with a configured key was refused (merchant, IP, malformed, unknown order).' },
  ),
  'baofoo.notification.additional_info_mismatch': object(
    {
      ...base('baofoo.notification.additional_info_mismatch'),
      reason: string({ description: 'What differs' }),
      storedAdditionalInfo: string({ description: 'The AdditionalInfo sent with the order (the order keeps it)' }),
      receivedAdditionalInfo: string({ description: 'The AdditionalInfo the notification echoed' }),
      action: enumOf(['review', 'settled', 'unchanged'], { description: 'What the notification did to the order under the notification.additionalInfoMismatch option' }),
    },
    { description: 'A notification echoed an AdditionalInfo other than the one sent with the order (the request signature does not cover it). Raised once per order.' },
  ),
  'baofoo.delivery.dead_lettered': object(
    {
      ...base('baofoo.delivery.dead_lettered'),
      deadLetter: object(
        {
          eventId: string({ format: 'uuid', description: 'The event the listener gave up on' }),
          type: string({ description: 'Its name' }),
          listener: string({ description: 'The listener that gave up' }),
          attempts: integer({ minimum: 1, description: 'How many times it tried' }),
          lastError: string({ description: 'The last error it threw' }),
        },
        { description: 'The delivery that gave up' },
      ),
    },
    { description: 'An in-app listener gave up on an event after the configured attempts; replay it with OutboxAdminService.replayDeadLetters.' },
  ),
} satisfies { [K in BaofooEventName]: Schema<unknown> };

type Normal<T> = T extends object ? { [K in keyof T]: Normal<T[K]> } : T;
type Same<A, B> = (<T>() => T extends Normal<A> ? 1 : 2) extends <T>() => T extends Normal<B> ? 1 : 2 ? true : false;

/**
 * Compiles only while every event's schema describes exactly its TypeScript
 * type (same fields, same optionality, same types): `Assert` refuses a map
 * with a `false` in it, naming the event.
 */
type Assert<T extends { [K in BaofooEventName]: true }> = T;
export type SchemasMatchTypes = Assert<{ [K in BaofooEventName]: Same<Static<(typeof BAOFOO_EVENT_SCHEMAS)[K]>, BaofooEventMap[K]> }>;
