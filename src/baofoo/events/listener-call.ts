import { callWithTimeout } from '../common/call-with-timeout.ts';

/** Why a listener call did not count. */
export class ListenerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the listener did not settle within ${timeoutMs} ms`);
    this.name = 'ListenerTimeoutError';
  }
}

export class DeliveryAbortedError extends Error {
  constructor() {
    super('the relay stopped while the listener was running');
    this.name = 'DeliveryAbortedError';
  }
}

/** One listener call, bounded by the listener timeout and the relay's stop. */
export function callListener<T>(call: () => Promise<T> | T, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return callWithTimeout(call, timeoutMs, { signal, timedOut: (ms) => new ListenerTimeoutError(ms), aborted: () => new DeliveryAbortedError() });
}

/** A short, single-line-first description of what a listener threw, for the delivery record. */
export function describeFailure(error: unknown, maxLength = 2000): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown: ${safeString(error)}`;
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
