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

/**
 * Runs `call` and settles when it does, when `timeoutMs` passes, or when
 * `signal` aborts, whichever is first; the timer never outlives the call.
 */
export function callWithTimeout<T>(call: () => Promise<T> | T, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new DeliveryAbortedError());
    const onAbort = () => finish(() => reject(new DeliveryAbortedError()));
    const timer = setTimeout(() => finish(() => reject(new ListenerTimeoutError(timeoutMs))), timeoutMs);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function finish(settle: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    Promise.resolve()
      .then(call)
      .then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
  });
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
