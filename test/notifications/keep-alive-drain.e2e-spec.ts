import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { query } from '../events/outbox-test-app.ts';
import { formBody, pendingOrder, successFields } from './notification-support.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 answer read off a raw socket (Content-Length framed, as the app's answers are). */
function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      if (buffer.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
    };
    const onClose = () => reject(new Error(`socket closed before a whole answer: ${buffer.toString('latin1').slice(0, 200)}`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

/**
 * Shutdown of an instance with kept-alive clients: idle sockets are closed
 * as soon as it starts, and a notification in flight is still answered OK,
 * with `Connection: close`, so its sender's next request goes to a new
 * connection (a live instance) instead of a socket that is going away.
 */
describe('keep-alive during shutdown', () => {
  let db: TestDatabase;
  let t: TestApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, testOptions({ database: { answerWithinMs: 10_000 } }));
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await db?.drop();
  });

  it('closes idle keep-alive sockets and answers the notification in flight OK with Connection: close', async () => {
    const app = t!.app;
    const { transId } = await pendingOrder(t!, 100);
    const server = app.getHttpServer() as Server;
    const port = (server.address() as { port: number }).port;

    // A client that keeps its socket after an answer, as a gateway's HTTP client does.
    const idle = await open(port);
    idle.write('GET /baofoo/nothing-here HTTP/1.1\r\nHost: merchant\r\n\r\n');
    const before = await readResponse(idle);
    expect(before.headers.connection).toBe('keep-alive');

    // A notification whose body is still on its way when the shutdown starts.
    const body = formBody(successFields(transId, 100));
    const arrived = new Promise<void>((resolve) => server.prependListener('request', () => resolve()));
    const inFlight = await open(port);
    inFlight.write(`POST /baofoo/notify HTTP/1.1\r\nHost: merchant\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`);
    await arrived;

    const closing = app.close();
    // The drain closed the idle socket: a request the client sends now goes to a new connection.
    await closed(idle);

    const answer = readResponse(inFlight);
    inFlight.write(body.slice(20));
    const after = await answer;
    expect(after).toMatchObject({ status: 200, body: 'OK' });
    expect(after.headers.connection).toBe('close');
    await closed(inFlight);
    await closing;
    t = undefined;

    const [order] = await query<{ status: string }>(db.url, 'SELECT status FROM baofoo_payment_orders WHERE trans_id = $1', [transId]);
    expect(order.status).toBe('PAID');
  });
});
