import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedSuccess } from '../bench-signing.ts';

/** Settles one verified success; true when the order changed. */
export type BareSettle = (form: URLSearchParams, rawBody: string, sourceIp: string) => Promise<boolean>;

/**
 * The framework-free servers' HTTP side: read the body, check the signature,
 * settle, answer `OK` (200), `FAIL` for a refusal (400), an unchanged order
 * (409) or a database error (503).
 */
export async function listenBare(settle: BareSettle): Promise<{ port: number; close(): Promise<void> }> {
  const answer = (res: http.ServerResponse, status: number) => res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'OK' : 'FAIL');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const f = new URLSearchParams(rawBody);
      if (!signedSuccess(f)) return answer(res, 400);
      settle(f, rawBody, req.socket.remoteAddress ?? '').then(
        (changed) => answer(res, changed ? 200 : 409),
        () => answer(res, 503),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
