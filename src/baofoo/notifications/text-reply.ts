/**
 * What Express's Response and Fastify's Reply both offer: the module's routes
 * answer through it, so they serve the same bytes on either adapter.
 */
export interface TextReply {
  status(code: number): TextReply;
  type(contentType: string): TextReply;
  send(body: string): unknown;
}

export function sendText(res: TextReply, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.status(status).type(contentType).send(body);
}
