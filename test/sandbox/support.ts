import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { md5, encodeIn, type Charset } from '../support/independent-md5.ts';

/**
 * Test helpers for the sandbox suites. The signatures here are computed
 * independently of the code under test: node:crypto MD5 over the strings the
 * spec writes out, in UTF-8 or (with iconv-lite) GBK.
 */

export { md5, type Charset };
export const TEST_MERCHANT = { memberId: '100000178', terminalId: '10000001', key: 'abcdefg' } as const;
export const GBK_MERCHANT = { memberId: '100000999', terminalId: '10000002', key: 'gbk-secret', charset: 'gbk' as const };


let counter = 0;
/** A fresh TransID: 8 to 20 letters and digits. */
export function newTransId(): string {
  counter += 1;
  return `SB${Date.now().toString(36).toUpperCase()}${String(counter).padStart(3, '0')}`;
}

/** A payment form signed as spec §2 says: md5(MemberID|PayID|TradeDate|TransID|OrderMoney|PageUrl|ReturnUrl|NoticeType|key). */
export function signedForm(
  over: Partial<Record<string, string>> & { PageUrl: string; ReturnUrl: string },
  merchant: { memberId: string; terminalId: string; key: string; charset?: Charset } = TEST_MERCHANT,
): Record<string, string> {
  const f: Record<string, string> = {
    MemberID: merchant.memberId,
    TerminalID: merchant.terminalId,
    InterfaceVersion: '4.0',
    KeyType: '1',
    PayID: '3002',
    TradeDate: '20260101120000',
    TransID: newTransId(),
    OrderMoney: '100',
    ProductName: 'Test goods',
    Amount: '1',
    Username: 'shopper',
    AdditionalInfo: 'note',
    NoticeType: '1',
    ...over,
  } as Record<string, string>;
  const signing = [f.MemberID, f.PayID, f.TradeDate, f.TransID, f.OrderMoney, f.PageUrl, f.ReturnUrl, f.NoticeType, merchant.key].join('|');
  return { ...f, Signature: md5(signing, merchant.charset ?? 'utf-8') };
}

/** The notification signature of spec §3, over the nine protocol fields only. */
export function resultSignature(f: Record<string, string>, key: string, charset: Charset = 'utf-8'): string {
  const names = ['MemberID', 'TerminalID', 'TransID', 'Result', 'ResultDesc', 'FactMoney', 'AdditionalInfo', 'SuccTime'];
  return md5([...names.map((n) => `${n}=${f[n]}`), `Md5Sign=${key}`].join('~|~'), charset);
}

export function querySignature(memberId: string, terminalId: string, transId: string, key: string): string {
  return md5(`${memberId}|${terminalId}|${transId}|${key}`);
}

/** x-www-form-urlencoded in a charset, percent-encoding every non-alphanumeric byte. */
export function encodeForm(fields: Record<string, string>, charset: Charset = 'utf-8'): string {
  const enc = (s: string) => [...encodeIn(s, charset)].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
  return Object.entries(fields)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
}

export function decodeForm(text: string, charset: Charset = 'utf-8'): Record<string, string> {
  const dec = (s: string) => {
    const raw = s.replaceAll('+', ' ');
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '%') {
        out.push(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(raw.charCodeAt(i));
    }
    return charset === 'gbk' ? iconv.decode(Buffer.from(out), 'gbk') : Buffer.from(out).toString('utf8');
  };
  const fields: Record<string, string> = {};
  for (const pair of text.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    fields[dec(pair.slice(0, eq))] = dec(pair.slice(eq + 1));
  }
  return fields;
}

export async function postForm(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
}

export interface ReceivedRequest {
  seq: number;
  method: string;
  path: string;
  /** The raw query string (without '?'). */
  query: string;
  headers: IncomingHttpHeaders;
  /** The raw body as ASCII text (percent-encoded forms are ASCII). */
  body: string;
  fields: Record<string, string>;
}

export type Answer = { status?: number; body: string };

/**
 * A tiny merchant on node:http: `/notify` is the ReturnUrl, `/return` the
 * PageUrl. Notifications are answered from a script per TransID (default `OK`).
 */
export class MerchantStub {
  readonly received: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server!: Server;
  url = '';
  charset: Charset = 'utf-8';

  get notifyUrl(): string {
    return `${this.url}/notify`;
  }

  get pageUrl(): string {
    return `${this.url}/return`;
  }

  /** The answers to give, in turn, to the notifications of this TransID; the last one repeats. */
  script(transId: string, answers: (string | Answer)[]): void {
    this.scripts.set(transId, answers.map((a) => (typeof a === 'string' ? { body: a } : a)));
  }

  notificationsFor(transId: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === '/notify' && r.fields.TransID === transId);
  }

  pageVisitsFor(transId: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === '/return' && r.fields.TransID === transId);
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('latin1');
      const [path, query = ''] = (req.url ?? '/').split('?');
      const fields = decodeForm(req.method === 'POST' ? body : query, this.charset);
      const r: ReceivedRequest = { seq: this.received.length + 1, method: req.method ?? '', path, query, headers: req.headers, body, fields };
      this.received.push(r);
      let answer: Answer = { body: path === '/notify' ? 'OK' : 'thank you' };
      if (path === '/notify') {
        const script = this.scripts.get(fields.TransID ?? '');
        if (script && script.length > 0) answer = script.length > 1 ? script.shift()! : script[0];
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Submits a signed form to /payindex and returns the cashier path the sandbox announced. */
export async function submit(payindexUrl: string, fields: Record<string, string>, charset: Charset = 'utf-8'): Promise<{ res: Response; html: string; cashier: string | null }> {
  const res = await postForm(payindexUrl, encodeForm(fields, charset));
  return { res, html: await res.text(), cashier: res.headers.get('x-sandbox-cashier') };
}

/** A loopback port nothing listens on (taken from the kernel, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
