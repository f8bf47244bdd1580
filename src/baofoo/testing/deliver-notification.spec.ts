import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverNotification } from './deliver-notification.ts';
import { signedNotification } from './signed-notification.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback server that records what arrives and answers OK. */
function recordingServer() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('latin1') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  return { server, received };
}

describe('deliverNotification', () => {
  const n = signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 100, succTime: '20261125120000', extras: { BankID: '3002' } });

  it('posts the form body to the path of a listening server and returns the answer', async () => {
    const { server, received } = recordingServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const answer = await deliverNotification(server, '/baofoo/notify/s3cr3t', n);
      expect([answer.status, answer.body]).toEqual([200, 'OK']);
      expect(received).toHaveLength(1);
      expect(received[0].method).toBe('POST');
      expect(received[0].url).toBe('/baofoo/notify/s3cr3t');
      expect(received[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(received[0].body).toBe(n.body);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('sends a GET with the fields in the query string to a base URL, with extra headers', async () => {
    const { server, received } = recordingServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await deliverNotification(`http://127.0.0.1:${port}`, '/baofoo/notify', n, { method: 'GET', headers: { 'x-forwarded-for': '10.1.2.3' } });
      expect(answer.body).toBe('OK');
      expect(received[0].method).toBe('GET');
      expect(received[0].url).toBe(`/baofoo/notify${n.query}`);
      expect(received[0].headers['x-forwarded-for']).toBe('10.1.2.3');
      expect(received[0].body).toBe('');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('listens on a loopback port for a server that is not listening yet and closes it afterwards', async () => {
    const { server, received } = recordingServer();
    const answer = await deliverNotification(server, '/notify', n);
    expect(answer.body).toBe('OK');
    expect(received).toHaveLength(1);
    expect(server.listening).toBe(false);
  });
});
