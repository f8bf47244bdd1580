import type { Attributes, Tracer } from '@opentelemetry/api';

/** Attribute names the spans carry (bounded, no key, no signed string). */
export const SPAN_ATTRIBUTES = {
  transId: 'baofoo.trans_id',
  memberId: 'baofoo.member_id',
  eventIds: 'baofoo.event_ids',
  verdict: 'baofoo.verdict',
  outcome: 'baofoo.outcome',
  count: 'baofoo.count',
} as const;

/** Runs `fn` inside a span; what it returns can add attributes. */
export type SpanRunner = <T>(name: string, attributes: Attributes, fn: () => Promise<T>, after?: (result: T) => Attributes) => Promise<T>;

/** The runner used when tracing is off or `@opentelemetry/api` is not installed. */
export const untraced: SpanRunner = (_name, _attributes, fn) => fn();

// The api's status code for an error (SpanStatusCode.ERROR), without importing its enum at load time.
const SPAN_STATUS_ERROR = 2;

/**
 * Spans through `@opentelemetry/api` only, the library convention: with no
 * SDK registered by the app the api hands out non-recording spans, so this
 * costs next to nothing. The api is an optional peer dependency, loaded only
 * when tracing is on.
 */
export async function openTelemetrySpans(): Promise<SpanRunner> {
  let api: typeof import('@opentelemetry/api');
  try {
    api = await import('@opentelemetry/api');
  } catch {
    return untraced;
  }
  const tracer: Tracer = api.trace.getTracer('nestjs-baofoo');
  return (name, attributes, fn, after) =>
    tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        const result = await fn();
        if (after) span.setAttributes(after(result));
        return result;
      } catch (e) {
        span.recordException(e as Error);
        span.setStatus({ code: SPAN_STATUS_ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    });
}
