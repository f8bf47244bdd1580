import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers over node:http; the sandbox needs no framework. */

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function isForm(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  send(res, status, 'text/html; charset=utf-8', html, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, charset = 'utf-8'): void {
  send(res, status, `text/plain; charset=${charset}`, text);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

/** Appends an already-encoded query string to a URL, before any fragment. */
export function appendQuery(url: string, query: string): string {
  const href = new URL(url).href;
  const hash = href.indexOf('#');
  const base = hash < 0 ? href : href.slice(0, hash);
  const fragment = hash < 0 ? '' : href.slice(hash);
  if (query === '') return href;
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${query}${fragment}`;
}

/** A short readable reason for a failed fetch (refused, timed out, reset…). */
export function describeFetchError(error: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (test runners), where instanceof fails.
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return 'timed out';
    if (e.name === 'AbortError') return 'aborted';
    if (e.cause?.code) return e.cause.code;
    if (e.cause?.message) return e.cause.message;
    if (e.message) return e.message;
  }
  return String(error);
}
