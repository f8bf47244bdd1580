import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, useTestApp, testOptions } from '../support/baofoo-test-app.ts';
import { ledgerRows, orderState, pendingOrder, refusalCount } from './notification-support.ts';

const READ_TIMEOUT_MS = 600;

interface RawExchange {
  /** Everything the server sent before the connection ended. */
  response: string;
  /** How the client saw the end: the server closed, or reset, the connection. */
  end: 'closed' | 'reset';
  ms: number;
}

/**
 * A hand-made HTTP request: headers declaring `contentLength`, then body bytes
 * from `writeBody` until the server ends the connection.
 */
function rawPost(port: number, contentLength: number, writeBody: (socket: net.Socket, stopped: () => boolean) => void, requestLine = 'POST /baofoo/notify'): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let ended = false;
    let end: RawExchange['end'] = 'closed';
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => (end = 'reset'));
    socket.on('close', () => {
      ended = true;
      resolve({ response, end, ms: performance.now() - started });
    });
    socket.write(`${requestLine} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${contentLength}\r\n\r\n`);
    writeBody(socket, () => ended || response.length > 0);
  });
}

/**
 * Body limits and read deadlines hold before any parser or guard of the app
 * runs (NotificationIntake). Such refusals come before a signature, so they
 * are counted and sampled by the RefusalRecorder and written at its flush;
 * every one is sampled here so each can be inspected in the ledger.
 */
describe.each(ADAPTERS)('the notification intake on %s', (adapter) => {
  const t = useTestApp(
    testOptions({ notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1'], readTimeoutMs: READ_TIMEOUT_MS, refusals: { samplesPerSource: 1000 } } }),
    { adapter },
  );
  const port = () => (t.app.getHttpServer().address() as net.AddressInfo).port;
  const flush = () => t.app.get(RefusalRecorder).flush();

  it.each([
    ['its path', 'POST /baofoo/notify', ADAPTERS],
    // Both routers route these by their path, so the intake must take them too.
    ['an absolute-form target', 'POST http://127.0.0.1/baofoo/notify', ADAPTERS],
    ['a target with a fragment', 'POST /baofoo/notify#x', ADAPTERS],
    // Fastify's router decodes the path before it matches; Express routes it nowhere (404), after the same bounded read.
    ['a percent-encoded path', 'POST /baofoo/%6Eotify', ['fastify']],
  ])('stops reading a 5 MB body sent to %s after the limit and one socket read, and records the refusal with the first 8 KiB', async (_form, requestLine, routedBy) => {
    const routed = (routedBy as readonly string[]).includes(adapter);
    await flush();
    const counted = await refusalCount(t.dataSource, 'BODY_TOO_LARGE');
    const served: net.Socket[] = [];
    const server = t.app.getHttpServer();
    const onConnection = (s: net.Socket) => served.push(s);
    server.prependListener('connection', onConnection);
    const size = 5 * 1024 * 1024;
    try {
      const exchange = await rawPost(port(), size, (socket, stopped) => {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = (): void => {
          while (sent < size && !stopped()) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
        };
        pump();
      }, requestLine);
      // The answer may be cut by the reset of a connection whose rest was never read.
      if (exchange.end === 'closed' || exchange.response) expect(exchange.response).toMatch(routed ? /^HTTP\/1\.1 413 [\s\S]*FAIL BODY_TOO_LARGE$/ : /^HTTP\/1\.1 404 /);
      expect(served).toHaveLength(1);
      expect(served[0].bytesRead).toBeLessThan(8192 + 256 * 1024);
    } finally {
      server.off('connection', onConnection);
    }
    if (!routed) return;
    await flush();
    expect(await refusalCount(t.dataSource, 'BODY_TOO_LARGE')).toBe(counted + 1);
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger).toMatchObject({ verdict: 'rejected', reasonCode: 'BODY_TOO_LARGE', httpStatus: 413 });
    expect(ledger.rawBody).toBe('x'.repeat(8192));
  });

  it('answers senders that trickle their body with 408 at the read deadline, records each, and keeps serving the gateway meanwhile', async () => {
    await flush();
    const before = (await ledgerRows(t.dataSource, `reason_code = 'REQUEST_TIMEOUT'`)).length;
    const counted = await refusalCount(t.dataSource, 'REQUEST_TIMEOUT');
    const trickling = Array.from({ length: 3 }, () =>
      rawPost(port(), 1000, (socket, stopped) => {
        const drip = setInterval(() => (stopped() ? clearInterval(drip) : socket.write('a')), 50);
        socket.once('close', () => clearInterval(drip));
      }),
    );
    const { transId } = await pendingOrder(t, 100);
    const n = signedNotification({ transId, result: 'success', factMoney: 100 });
    expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n)).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID' });

    for (const exchange of await Promise.all(trickling)) {
      expect(exchange.response).toMatch(/^HTTP\/1\.1 408 [\s\S]*\r\nconnection: close\r\n[\s\S]*FAIL REQUEST_TIMEOUT$/i);
      expect(exchange.end).toBe('closed');
      expect(exchange.ms).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
      expect(exchange.ms).toBeLessThan(READ_TIMEOUT_MS + 5000);
    }
    await flush();
    expect(await refusalCount(t.dataSource, 'REQUEST_TIMEOUT')).toBe(counted + 3);
    const rows = await ledgerRows(t.dataSource, `reason_code = 'REQUEST_TIMEOUT'`);
    expect(rows).toHaveLength(before + 3);
    expect(rows.slice(-3).map((r) => [r.httpStatus, r.rawBody])).toEqual(Array(3).fill([408, expect.stringMatching(/^a+$/)]));
  });
});
