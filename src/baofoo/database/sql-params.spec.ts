import { describe, expect, it } from '@jest/globals';
import { rowsJson } from './sql-params.ts';

describe('rowsJson', () => {
  it('is plain JSON when every string is well formed, pairs and backslashes included', () => {
    const rows = [{ reason: 'paid 😀 \\ud800 as text', n: 1, none: null }];

    expect(JSON.parse(rowsJson(rows))).toEqual(rows);
  });

  it('turns each lone surrogate into U+FFFD, wherever it sits', () => {
    const rows = [{ reason: 'bad \ud800 half', fields: { AdditionalInfo: 'x\udfffy' } }, { tail: '\ud83d' }];

    expect(JSON.parse(rowsJson(rows))).toEqual([{ reason: 'bad \ufffd half', fields: { AdditionalInfo: 'x\ufffdy' } }, { tail: '\ufffd' }]);
  });
});
