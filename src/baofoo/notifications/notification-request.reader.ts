import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { decodeText } from '../protocol/charset.ts';
import { BaofooError, BaofooProtocolError } from '../protocol/errors.ts';
import { parseForm, renderForm } from '../protocol/form-encoding.ts';
import type { InboundRequest } from './inbound-notification.ts';
import { takenBody } from './request-marks.ts';
import { readRequestBody, type BodyOutcome } from './request-body.ts';

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

/** The request as Express or Fastify hands it over (Fastify's has the Node request in `raw`). */
type BodyRequest = Request & { raw?: IncomingMessage; rawBody?: Buffer; _body?: boolean; res?: Response; [CACHE]?: Promise<ReadResult> };

interface RawText {
  text: string;
  outcome: BodyOutcome;
}

const REFUSALS: Partial<Record<BodyOutcome, (o: ResolvedBaofooOptions) => NotificationRequestError>> = {
  'too-large': (o) => new NotificationRequestError('BODY_TOO_LARGE', `the request is over ${o.notification.maxBodyBytes} bytes`, 413),
  'timed-out': (o) => new NotificationRequestError('REQUEST_TIMEOUT', `the body did not arrive within ${o.notification.readTimeoutMs} ms`, 408),
  aborted: () => new NotificationRequestError('REQUEST_UNREADABLE', 'the sender went away before the body ended', 400),
};

/**
 * The exact text the gateway sent. Form values are percent-encoded bytes of
 * the merchant's charset, so the raw body is needed: the body the intake took
 * before the app's parsers (see NotificationIntake), else `req.rawBody`
 * (`{ rawBody: true }`), else the stream when no parser read it; a body
 * already parsed is rebuilt only for UTF-8.
 */
async function rawText(req: BodyRequest, o: ResolvedBaofooOptions): Promise<RawText> {
  const limit = o.notification.maxBodyBytes;
  const node = req.raw ?? req;
  if (req.method === 'GET') {
    const url = req.originalUrl ?? node.url ?? '';
    const q = url.indexOf('?');
    const text = q < 0 ? '' : url.slice(q + 1);
    return { text: text.slice(0, limit), outcome: Buffer.byteLength(text) > limit ? 'too-large' : 'complete' };
  }
  const taken = takenBody(node);
  if (taken) return { text: decodeText(taken.bytes, o.charset), outcome: taken.outcome };
  if (Buffer.isBuffer(req.rawBody)) return { text: decodeText(req.rawBody.subarray(0, limit), o.charset), outcome: req.rawBody.length > limit ? 'too-large' : 'complete' };
  if (!req._body && node.readable) {
    const { bytes, outcome } = await readRequestBody(node, limit, o.notification.readTimeoutMs);
    if (outcome !== 'complete') req.res?.setHeader('Connection', 'close');
    return { text: decodeText(bytes, o.charset), outcome };
  }
  if (o.charset !== 'utf-8') {
    throw new NotificationRequestError('RAW_BODY_UNAVAILABLE', 'a body parser consumed the request: create the app with { rawBody: true } so gbk notifications can be read', 500);
  }
  const parsed = (req.body ?? {}) as Record<string, unknown>;
  if (Object.values(parsed).some((v) => typeof v !== 'string')) throw new NotificationRequestError('FORM_MALFORMED', 'nested or repeated parameters', 400);
  const text = renderForm(parsed as Record<string, string>, 'utf-8');
  return { text, outcome: Buffer.byteLength(text) > limit ? 'too-large' : 'complete' };
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
      const type = (takenBody(r.raw ?? r)?.contentType ?? req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (req.method === 'POST' && type !== '' && type !== 'application/x-www-form-urlencoded') {
        const { text, outcome } = await rawText(r, o).catch((): RawText => ({ text: '', outcome: 'complete' }));
        inbound.rawBody = storable(text);
        const refusal = outcome === 'too-large' ? undefined : REFUSALS[outcome];
        return { inbound, error: refusal?.(o) ?? new NotificationRequestError('CONTENT_TYPE_UNSUPPORTED', `content type ${type} is not a form`, 415) };
      }
      const { text, outcome } = await rawText(r, o);
      inbound.rawBody = storable(text);
      const refusal = REFUSALS[outcome];
      if (refusal) return { inbound, error: refusal(o) };
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
