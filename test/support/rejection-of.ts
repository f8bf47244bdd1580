import { expect } from '@jest/globals';

/** Awaits `promise` and returns the error it rejects with, failing the test unless it is an instance of `type`. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
