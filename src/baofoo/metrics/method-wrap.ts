/**
 * How a wrapped call is observed: `call` runs the original with the same
 * arguments, and what `around` returns is what the caller gets, so the
 * observer of a synchronous method stays synchronous.
 */
export type Around = (args: unknown[], call: () => unknown) => unknown;

/**
 * Observes a method of one instance from outside, without touching its
 * class: the instance gets an own property that calls `around`. Returns false
 * (and changes nothing) when the instance has no such method, so a renamed
 * method loses its telemetry rather than the app its boot.
 */
export function wrapMethod(instance: object, method: string, around: Around): boolean {
  const target = instance as Record<string, unknown>;
  const original = target[method];
  if (typeof original !== 'function') return false;
  const bound = (original as (...a: unknown[]) => unknown).bind(instance);
  Object.defineProperty(instance, method, {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => around(args, () => bound(...args)),
  });
  return true;
}
