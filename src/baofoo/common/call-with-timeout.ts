/** A call that did not settle in time (its promise is left to finish on its own). */
export class CallTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    message = `no answer within ${timeoutMs} ms`,
  ) {
    super(message);
    this.name = 'CallTimeoutError';
  }
}

/** The call was cut short because its owner stopped (`signal` aborted). */
export class CallAbortedError extends Error {
  constructor(message = 'the call was aborted') {
    super(message);
    this.name = 'CallAbortedError';
  }
}

export interface CallLimits {
  /** Aborting settles the call at once with `aborted()`. */
  signal?: AbortSignal;
  /** The error a timeout rejects with. Default `CallTimeoutError`. */
  timedOut?: (timeoutMs: number) => Error;
  /** The error an abort rejects with. Default `CallAbortedError`. */
  aborted?: () => Error;
}

/**
 * Runs `call` and settles when it does, when `timeoutMs` passes, or when the
 * signal aborts, whichever is first; the timer never outlives the call and
 * never keeps the process alive.
 */
export function callWithTimeout<T>(call: () => Promise<T> | T, timeoutMs: number, limits: CallLimits = {}): Promise<T> {
  const { signal } = limits;
  const aborted = limits.aborted ?? (() => new CallAbortedError());
  const timedOut = limits.timedOut ?? ((ms: number) => new CallTimeoutError(ms));
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => finish(() => reject(aborted()));
    const timer = setTimeout(() => finish(() => reject(timedOut(timeoutMs))), timeoutMs);
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
