import { trace, type Attributes, type Context, type Span, type SpanContext, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** A span as the test's own tracer saw it: no SDK, only the api's interfaces. */
export interface RecordedSpan {
  name: string;
  attributes: Attributes;
  status: number;
  ended: boolean;
}

class RecordingSpan implements Span {
  constructor(readonly record: RecordedSpan) {}
  spanContext(): SpanContext {
    return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  }
  setAttribute(key: string, value: Attributes[string]): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: { code: number }): this {
    this.record.status = status.code;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    this.record.ended = true;
  }
  isRecording(): boolean {
    return true;
  }
  recordException(): void {}
}

/** Registers a global tracer provider that keeps every span; `spans` lists them. */
export function recordSpans(): { spans: RecordedSpan[]; stop(): void } {
  const spans: RecordedSpan[] = [];
  const tracer: Tracer = {
    startSpan(name: string, options?: SpanOptions): Span {
      const record: RecordedSpan = { name, attributes: { ...options?.attributes }, status: 0, ended: false };
      spans.push(record);
      return new RecordingSpan(record);
    },
    startActiveSpan(name: string, ...rest: unknown[]) {
      const fn = rest.at(-1) as (span: Span) => unknown;
      const options = (typeof rest[0] === 'object' ? rest[0] : undefined) as SpanOptions | undefined;
      return fn(this.startSpan(name, options, undefined as unknown as Context));
    },
  } as Tracer;
  const provider: TracerProvider = { getTracer: () => tracer };
  trace.setGlobalTracerProvider(provider);
  return { spans, stop: () => trace.disable() };
}
