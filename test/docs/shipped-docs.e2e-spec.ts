import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { baofooOptionsFromEnv } from '../../src/baofoo/config/baofoo-env.config.ts';
import { BaofooConfigError, resolveBaofooOptions } from '../../src/baofoo/config/resolve-options.ts';
import { brokenRelativeLinks } from '../package/shipped-docs.ts';

/*
 * The documents the package ships (README.md, docs/), checked in the
 * repository so a broken link fails here, before the slower package suite
 * finds it in the tarball. The example env files are what a user copies.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'docs', 'examples', 'config');
const markdownUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));
const example = (name: string) => parseEnv(readFileSync(join(EXAMPLES, name), 'utf8'));

describe('the shipped documents', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'baofoo-docs-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('link only to files the package ships', () => {
    expect(brokenRelativeLinks(ROOT, ['README.md', ...markdownUnder('docs')])).toEqual([]);
  });

  it('would report a missing file, a file outside the package and an absolute path, but not a URL, an anchor or a link shown as code', () => {
    mkdirSync(join(scratch, 'docs'));
    writeFileSync(join(scratch, 'docs', 'here.md'), '# here');
    writeFileSync(
      join(scratch, 'README.md'),
      '[ok](docs/here.md#here) [gone](docs/gone.md) [out](../shared/x.md) [abs](/docs/here.md) [web](https://example.com/x.md) [top](#top) `[code](nowhere.md)`\n\n```md\n[block](nowhere.md)\n```\n',
    );

    expect(brokenRelativeLinks(scratch, ['README.md']).map((b) => b.target)).toEqual(['docs/gone.md', '../shared/x.md', '/docs/here.md']);
  });
});

describe('the example env files', () => {
  it('boot as they are for development and test, against the sandbox gateway with the published test merchant', () => {
    const development = resolveBaofooOptions(baofooOptionsFromEnv(example('development.env')));
    const test = resolveBaofooOptions(baofooOptionsFromEnv(example('test.env')));

    expect(development.endpoints.payUrl).toBe('http://127.0.0.1:3100/payindex');
    expect(development.notification.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(test.reconciliation.enabled).toBe(false);
  });

  it('refuse production until it is filled in', () => {
    expect(() => resolveBaofooOptions(baofooOptionsFromEnv(example('production.env')))).toThrow(BaofooConfigError);
  });

  it('name only variables that docs/options.md documents', () => {
    const options = readFileSync(join(ROOT, 'docs', 'options.md'), 'utf8');
    const named = readdirSync(EXAMPLES).flatMap((f) => [...readFileSync(join(EXAMPLES, f), 'utf8').matchAll(/\bBAOFOO_[A-Z0-9_]+/g)].map((m) => m[0]));

    expect(named.length).toBeGreaterThan(10);
    expect([...new Set(named)].filter((name) => !options.includes(name))).toEqual([]);
  });
});
