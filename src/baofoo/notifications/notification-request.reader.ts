import type { Request } from 'express';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { decodeText } from '../protocol/charset.ts';
import { BaofooError, BaofooProtocolError } from '../protocol/errors.ts';
import { parseForm, renderForm } from '../protocol/form-encoding.ts';
import type { InboundRequest } from './inbound-notification.ts';

/** Why a request could not be read; the guard records it and answers with `status`. */
export class NotificationRequestError extends BaofooError {
  constructor(code: string, message: string, readonly status: number) {
    super(code, message);
  }
}

export interface ReadResult {
  inbound: InboundRequest;
  error?: NotificationRequestError;
}

const CACHE = Symbol('baofoo.inbound');

type BodyRequest = Request & { rawBody?: Buffer; _body?: boolean; [CACHE]?: Promise<ReadResult> };

async function readStream(req: BodyRequest, limit: number): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (without keeping) so the client gets an answer instead of a reset.
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), tooLarge };
}

/**
 * The exact text the gateway sent. Form values are percent-encoded bytes of
 * the merchant's charset, so the raw body is needed: read from the stream when
 * no body parser took it, else from `req.rawBody` (`NestFactory.create(…, { rawBody: true })`);
 * a body already parsed by express is rebuilt only for UTF-8.
 */
async function rawText(req: BodyRequest, o: ResolvedBaofooOptions): Promise<{ text: string; tooLarge: boolean }> {
  const limit = o.notification.maxBodyBytes;
  if (req.method === 'GET') {
    const url = req.originalUrl ?? req.url ?? '';
    const q = url.indexOf('?');
    const text = q < 0 ? '' : url.slice(q + 1);
    return { text: text.slice(0, limit), tooLarge: Buffer.byteLength(text) > limit };
  }
  if (Buffer.isBuffer(req.rawBody)) return { text: decodeText(req.rawBody.subarray(0, limit), o.charset), tooLarge: req.rawBody.length > limit };
  if (!req._body && req.readable) {
    const { bytes, tooLarge } = await readStream(req, limit);
    return { text: decodeText(bytes, o.charset), tooLarge };
  }
  if (o.charset !== 'utf-8') {
    throw new NotificationRequestError('RAW_BODY_UNAVAILABLE', 'a body parser consumed the request: create the app with { rawBody: true } so gbk notifications can be read', 500);
  }
  const parsed = (req.body ?? {}) as Record<string, unknown>;
  if (Object.values(parsed).some((v) => typeof v !== 'string')) throw new NotificationRequestError('FORM_MALFORMED', 'nested or repeated parameters', 400);
  const text = renderForm(parsed as Record<string, string>, 'utf-8');
  return { text, tooLarge: Buffer.byteLength(text) > limit };
}

// PostgreSQL text and jsonb cannot hold U+0000: a NUL would make recording the request fail.
const NUL = '\u0000';

function storable(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '\uFFFD') : text;
}

/** Reads a notification request once (guards and controller share the result). Never throws. */
export function readNotificationRequest(req: Request, sourceIp: string, o: ResolvedBaofooOptions): Promise<ReadResult> {
  const r = req as BodyRequest;
  r[CACHE] ??= (async (): Promise<ReadResult> => {
    const inbound: InboundRequest = { method: req.method, sourceIp, rawBody: '', params: null };
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (req.method === 'POST' && type !== '' && type !== 'application/x-www-form-urlencoded') {
        const { text } = await rawText(r, o).catch(() => ({ text: '' }));
        inbound.rawBody = storable(text);
        return { inbound, error: new NotificationRequestError('CONTENT_TYPE_UNSUPPORTED', `content type ${type} is not a form`, 415) };
      }
      const { text, tooLarge } = await rawText(r, o);
      inbound.rawBody = storable(text);
      if (tooLarge) return { inbound, error: new NotificationRequestError('BODY_TOO_LARGE', `the request is over ${o.notification.maxBodyBytes} bytes`, 413) };
      const params = parseForm(text, o.charset, { maxParameters: o.notification.maxParameters, maxValueLength: 1024 });
      if (Object.entries(params).some(([name, value]) => name.includes(NUL) || value.includes(NUL))) {
        return { inbound, error: new NotificationRequestError('FORM_MALFORMED', 'a parameter contains a NUL character', 400) };
      }
      inbound.params = params;
      return { inbound };
    } catch (e) {
      if (e instanceof NotificationRequestError) return { inbound, error: e };
      if (e instanceof BaofooProtocolError) return { inbound, error: new NotificationRequestError(e.code, e.message, 400) };
      return { inbound, error: new NotificationRequestError('REQUEST_UNREADABLE', 'the request could not be read', 400) };
    }
  })();
  return r[CACHE]!;
}
