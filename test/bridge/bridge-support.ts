import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import type pg from 'pg';
import { bindEventsQueue } from '../../src/infra/rabbitmq.ts';
import type { AppProcess } from '../chaos/app-process.ts';

/** Longest wait for something that must happen (the bridge catching up, a blocked connection): only a real hang misses it. */
export const DEADLINE_MS = 90_000;

/** Resolves once `check` holds; `seen` says what was last seen when it never does. */
export async function until(check: () => Promise<boolean>, what: string, seen: () => string = () => ''): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${DEADLINE_MS} ms ${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One signed notification, retried like the gateway (every `retryMs`) until it is answered OK. */
export async function sendUntilOk(baseUrl: string, body: string, retryMs = 100): Promise<void> {
  let said = '';
  const deadline = performance.now() + DEADLINE_MS;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/baofoo/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(10_000) });
      said = `${res.status} ${(await res.text()).slice(0, 40)}`;
      if (said === '200 OK') return;
    } catch (e) {
      said = (e as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  throw new Error(`no OK within ${DEADLINE_MS} ms (last answer: ${said})`);
}

/** A consumer's durable queue bound to every routing key of the exchange, declared as the bridge declares it. */
export async function bindQueue(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  await bindEventsQueue(await connection.createChannel(), queue);
  await connection.close();
}

export interface QueuedMessage {
  messageId: string;
  type: string;
  routingKey: string;
  body: { eventId: string; transId: string | null };
}

/** Every message of the queue, in queue order (taken off it). */
export async function drainQueue(url: string, queue: string): Promise<QueuedMessage[]> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  const messages: QueuedMessage[] = [];
  for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true })) {
    messages.push({ messageId: m.properties.messageId as string, type: m.properties.type as string, routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString('utf8')) });
  }
  await connection.close();
  return messages;
}

export interface OutboxEvent {
  id: string;
  event_id: string;
  type: string;
  trans_id: string | null;
}

export async function outboxEvents(client: pg.Client): Promise<OutboxEvent[]> {
  return (await client.query<OutboxEvent>('SELECT id, event_id, type, trans_id FROM baofoo_outbox ORDER BY id')).rows;
}

export async function unbridgedCount(client: pg.Client): Promise<number> {
  return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM baofoo_outbox WHERE bridged_at IS NULL')).rows[0].n;
}

/**
 * What the queue says of each order: its events' outbox ids in queue order
 * (an order's events are written in commit order, so their ids are too), the
 * orders whose sequence goes back, and how many orders have more than one event.
 */
export function orderSequences(messages: readonly QueuedMessage[], events: readonly OutboxEvent[]): { outOfOrder: [string, number[]][]; multiEventOrders: number } {
  const byEventId = new Map(events.map((e) => [e.event_id, e]));
  const queued = new Map<string, number[]>();
  for (const m of messages) {
    const event = byEventId.get(m.messageId);
    if (!event?.trans_id) continue;
    queued.set(event.trans_id, [...(queued.get(event.trans_id) ?? []), Number(event.id)]);
  }
  return {
    outOfOrder: [...queued].filter(([, ids]) => ids.some((id, i) => i > 0 && id < ids[i - 1])),
    multiEventOrders: [...queued].filter(([, ids]) => new Set(ids).size > 1).length,
  };
}

/** Messages whose properties disagree with their event: type, routing key (the event name by default), body. */
export function mislabelled(messages: readonly QueuedMessage[], events: readonly OutboxEvent[]): QueuedMessage[] {
  const byEventId = new Map(events.map((e) => [e.event_id, e]));
  return messages.filter((m) => m.type !== byEventId.get(m.messageId)?.type || m.routingKey !== m.type || m.body.eventId !== m.messageId);
}

/** What an app process's bridge says of itself (test/bridge/child/bridge-app.ts, asked `{ report: true }`). */
export function bridgeReport(app: AppProcess): Promise<{ published: number; connected: boolean; blocked: string | null; failure: string | null }> {
  return new Promise((resolve) => {
    const listener = (m: { bridge?: { published: number; connected: boolean; blocked: string | null; failure: string | null } }) => {
      if (!m.bridge) return;
      app.child.off('message', listener);
      resolve(m.bridge);
    };
    app.child.on('message', listener);
    app.child.send({ report: true });
  });
}
