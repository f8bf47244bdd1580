import { describe, expect, it } from '@jest/globals';
import { named, queryText } from './named-statements.ts';

describe('named statements', () => {
  it('gives pg the name with the text, and plain text without a name', () => {
    expect(queryText(named('baofoo_record', 'SELECT 1 AS spec_record'))).toEqual({ name: 'baofoo_record', text: 'SELECT 1 AS spec_record' });
    expect(queryText('SELECT 2')).toEqual({ text: 'SELECT 2' });
  });

  it('gives the text alone when the connection plan says unnamed statements (a transaction pooler that cannot carry them)', () => {
    expect(queryText(named('baofoo_outbox_finish', 'SELECT 3 AS spec_finish'), false)).toEqual({ text: 'SELECT 3 AS spec_finish' });
  });

  it('refuses a name built with another text, so the set of prepared statements cannot grow', () => {
    named('baofoo_transition', 'SELECT 1 AS spec_transition');

    expect(() => named('baofoo_transition', 'SELECT 2 AS spec_transition')).toThrow(/baofoo_transition was built with another text/);
  });
});
