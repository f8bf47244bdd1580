import { describe, expect, it } from '@jest/globals';
import { BaofooConfigError } from '../config/resolve-options.ts';
import { baofooPostgresOptions } from './postgres-options.ts';

describe('baofooPostgresOptions', () => {
  it.each([
    ['undefined (DATABASE_URL not set)', undefined],
    ['empty', ''],
    ['blank', '  '],
  ])('throws at once, naming DATABASE_URL, the option and the fix, when the url is %s', (_name, url) => {
    let error: unknown;
    try {
      baofooPostgresOptions({ url });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BaofooConfigError);
    const message = (error as Error).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('option url of baofooPostgresOptions');
    expect(message).toContain('set DATABASE_URL=postgres://');
  });

  it('passes a given url on as it is', () => {
    expect(baofooPostgresOptions({ url: 'postgres://app@db.example.com:5432/shop' })).toMatchObject({ type: 'postgres', url: 'postgres://app@db.example.com:5432/shop' });
  });
});
