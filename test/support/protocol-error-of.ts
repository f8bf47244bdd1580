import { BaofooProtocolError } from '../../src/baofoo/protocol/errors.ts';

/** Runs `fn` and returns the BaofooProtocolError it throws (failing the test if it does not). */
export function protocolErrorOf(fn: () => unknown): BaofooProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BaofooProtocolError);
    return error as BaofooProtocolError;
  }
  throw new Error('expected a BaofooProtocolError, but nothing was thrown');
}
