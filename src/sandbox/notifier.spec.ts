import { describe, expect, it } from '@jest/globals';
import { isAcknowledged } from './notifier.ts';

describe('isAcknowledged', () => {
  it('accepts OK within the first five characters once leading spaces are stripped', () => {
    for (const text of ['OK', 'OK\n', '   OK', '[OK]', 'xxxOK', '  xxOK and more']) expect(isAcknowledged(text)).toBe(true);
  });

  it('refuses anything else, including OK too far in and a lower-case ok', () => {
    for (const text of ['', 'ok', 'okay', 'FAIL', 'xxxxOK', 'ERROR OK', '\nxxxxOK', 'O K']) expect(isAcknowledged(text)).toBe(false);
  });
});
