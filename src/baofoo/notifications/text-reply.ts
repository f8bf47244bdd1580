import { ServerResponse } from 'node:http';

/**
 * What Express's Response and Fastify's Reply both offer: the module's routes
 * answer through it, so they serve the same bytes on either adapter.
 */
export interface TextReply {
  status(code: number): TextReply;
  type(contentType: string): TextReply;
  send(body: string): unknown;
}

/**
 * Express's Response is Node's own: it is answered directly. Its `send` would
 * hash every body for an ETag (and answer 304 to a matching If-None-Match,
 * which no notification wants) and copy it into a Buffer first, about 25 µs
 * an answer. Fastify sends no ETag.
 */
export function sendText(res: TextReply, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res instanceof ServerResponse) {
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  res.status(status).type(contentType).send(body);
}
