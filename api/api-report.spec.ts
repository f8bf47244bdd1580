import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { CHANGELOG_PATH, changelogSurfaceIds, listSurface, publicEntries, renderReport, REPORT_PATH, ROOT, surfaceId } from './api-report.mjs';

// The gate on the public surface: the committed report must be the one the sources give, and
// CHANGELOG.md's [Unreleased] section must name the report's surface id (docs/architecture/api.md).
describe('the API report', () => {
  const listing = listSurface();
  const id = surfaceId(listing);

  it('api/nestjs-baofoo.api.md lists what the entries export now (else run `npm run api:report` and add a CHANGELOG line)', () => {
    expect(readFileSync(REPORT_PATH, 'utf8')).toBe(renderReport(listing));
  });

  it(`CHANGELOG.md's [Unreleased] section has a line ending with the surface id (else add one saying what changed, ending with "(API <id>)")`, () => {
    expect(changelogSurfaceIds(readFileSync(CHANGELOG_PATH, 'utf8'))).toContain(id);
  });

  it('covers every entry of the exports map that has types', () => {
    expect(publicEntries(ROOT).map((e) => e.specifier)).toEqual(['nestjs-baofoo', 'nestjs-baofoo/testing', 'nestjs-baofoo/sandbox', 'nestjs-baofoo/health', 'nestjs-baofoo/bridge', 'nestjs-baofoo/protocol']);
  });
});

describe('surface ids in the changelog', () => {
  const changelog = (unreleased: string, released: string) => `# Changelog\n\n## [Unreleased]\n\n${unreleased}\n## [1.0.0]\n\n${released}\n`;

  it('are read from [Unreleased] when it names any, so an id of an older release does not count', () => {
    expect(changelogSurfaceIds(changelog('- Removed `x` (API aaaaaaaaaaaa).\n- Added `y` (API bbbbbbbbbbbb).', '- First (API cccccccccccc).'))).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
  });

  it('are those of the newest release while [Unreleased] names none (just after a release)', () => {
    expect(changelogSurfaceIds(changelog('', '- First (API cccccccccccc).'))).toEqual(['cccccccccccc']);
  });

  it('change with any name or kind of the listing', () => {
    expect(surfaceId('## x\n\n- `a`: class\n')).not.toBe(surfaceId('## x\n\n- `a`: interface\n'));
    expect(surfaceId('## x\n\n- `a`: class\n')).not.toBe(surfaceId('## x\n\n- `a`: class\n- `b`: const\n'));
  });
});

describe('the listing of a package', () => {
  const root = mkdtempSync(join(tmpdir(), 'api-report-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names each export with its kind, marks values exported as types only, and sorts by name', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'pkg', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' } }));
    writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', strict: true, allowImportingTsExtensions: true, noEmit: true, types: [] }, include: ['src'] }));
    writeFileSync(join(root, 'src', 'parts.ts'), 'export class Hidden {}\nexport enum Color { Red }\n');
    writeFileSync(
      join(root, 'src', 'index.ts'),
      [
        'export class Service {}',
        'export function make(): void {}',
        'export const LIMIT = 1;',
        'export let counter = 0;',
        'export interface Options { a?: number }',
        'export type Id = string;',
        "export type { Hidden } from './parts.ts';",
        "export { Color } from './parts.ts';",
      ].join('\n'),
    );

    expect(listSurface(root)).toBe(
      ['## pkg', '', '- `Color`: enum', '- `Hidden`: class (type only)', '- `Id`: type', '- `LIMIT`: const', '- `Options`: interface', '- `Service`: class', '- `counter`: let', '- `make`: function', ''].join('\n'),
    );
  });
});
