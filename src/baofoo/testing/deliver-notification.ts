import http, { type Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SignedNotification } from './signed-notification.ts';

export interface DeliveryOptions {
  /** `POST` (a form body, the default) or `GET` (a query string). */
  method?: 'POST' | 'GET';
  /** Extra request headers, e.g. `{ 'x-forwarded-for': '…' }`. */
  headers?: Readonly<Record<string, string>>;
  /** An agent of your own, e.g. `new http.Agent({ keepAlive: true, maxSockets: 500 })` for many deliveries at once. */
  agent?: Agent;
}

export interface DeliveryAnswer {
  status: number;
  /** The answer text: the gateway counts the delivery only when it is `OK`. */
  body: string;
  headers: IncomingHttpHeaders;
}

async function baseUrl(target: Server | string): Promise<{ base: URL; done: () => Promise<void> }> {
  if (typeof target === 'string') return { base: new URL(target), done: async () => undefined };
  if (target.listening) return { base: localUrl(target), done: async () => undefined };
  // A server that is not listening yet (e.g. `app.getHttpServer()` before `listen`) gets a loopback port for this delivery only.
  await new Promise<void>((resolve, reject) => {
    target.once('error', reject);
    target.listen(0, '127.0.0.1', () => {
      target.off('error', reject);
      resolve();
    });
  });
  return { base: localUrl(target), done: () => new Promise<void>((resolve) => target.close(() => resolve())) };
}

function localUrl(server: Server): URL {
  const address = server.address() as AddressInfo | null;
  if (!address || typeof address === 'string') throw new Error('the server does not listen on a TCP port');
  // A wildcard listener (dual-stack for `::`) is reached through IPv4 loopback.
  if (address.address === '::' || address.address === '0.0.0.0') return new URL(`http://127.0.0.1:${address.port}`);
  return new URL(address.family === 'IPv6' ? `http://[${address.address}]:${address.port}` : `http://${address.address}:${address.port}`);
}

/**
 * Sends a notification to an app the way the gateway does: a form POST to
 * the notification path, or a GET with the fields in the query string.
 * `target` is a Node HTTP server (e.g. `app.getHttpServer()`) or a base URL.
 */
export async function deliverNotification(target: Server | string, path: string, notification: SignedNotification, options: DeliveryOptions = {}): Promise<DeliveryAnswer> {
  const method = options.method ?? 'POST';
  const { base, done } = await baseUrl(target);
  try {
    const url = new URL(path, base);
    if (method === 'GET') url.search = notification.query;
    const body = method === 'POST' ? Buffer.from(notification.body, 'latin1') : null;
    const headers: Record<string, string> = { ...options.headers };
    if (body) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      headers['content-length'] = String(body.length);
    }
    const client = url.protocol === 'https:' ? https : http;
    return await new Promise<DeliveryAnswer>((resolve, reject) => {
      const req = client.request(url, { method, headers, agent: options.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  } finally {
    await done();
  }
}
