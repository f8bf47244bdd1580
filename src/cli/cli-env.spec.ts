import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadCliEnv } from './cli-env.ts';
import { CliFailure } from './cli-failure.ts';

const root = mkdtempSync(join(tmpdir(), 'baofoo-cli-env-'));
mkdirSync(join(root, 'config'));
writeFileSync(join(root, 'config', 'development.env'), '# a comment\nBAOFOO_ENV=sandbox\nBAOFOO_KEY=from-file\nQUOTED="two words"\n');
writeFileSync(join(root, 'config', 'staging.env'), 'BAOFOO_ENV=test\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadCliEnv', () => {
  it('reads config/development.env when NODE_ENV is not set', () => {
    expect(loadCliEnv({}, root)).toEqual({ BAOFOO_ENV: 'sandbox', BAOFOO_KEY: 'from-file', QUOTED: 'two words', NODE_ENV: 'development' });
  });

  it('reads the env file of NODE_ENV', () => {
    expect(loadCliEnv({ NODE_ENV: 'staging' }, root)).toEqual({ BAOFOO_ENV: 'test', NODE_ENV: 'staging' });
  });

  it('lets the process environment win over the file, even with an empty value', () => {
    expect(loadCliEnv({ BAOFOO_KEY: 'from-process', BAOFOO_ENV: '' }, root)).toMatchObject({ BAOFOO_KEY: 'from-process', BAOFOO_ENV: '' });
  });

  it('uses only the process environment when the env file does not exist', () => {
    expect(loadCliEnv({ NODE_ENV: 'production', BAOFOO_ENV: 'production' }, root)).toEqual({ NODE_ENV: 'production', BAOFOO_ENV: 'production' });
  });

  it('refuses a NODE_ENV that is not a plain name, since it becomes part of a path', () => {
    expect(() => loadCliEnv({ NODE_ENV: '../../etc/passwd' }, root)).toThrow(CliFailure);
  });
});
