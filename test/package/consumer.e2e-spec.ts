import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
import { nodeBinary } from '../support/node-binary.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/test-database.ts';
import { brokenRelativeLinks } from './shipped-docs.ts';

/*
 * The package as a merchant gets it: `npm pack` (prepack builds it), installed
 * from the tarball into a scratch Nest app on ANOTHER 12.x minor of @nestjs/*
 * than this repository, compiled with tsc, its tables created with the
 * package's own `baofoo migrate`, then one payment taken through the public
 * entry points only (`nestjs-baofoo` and `nestjs-baofoo/testing`). The app
 * mounts everything under `setGlobalPrefix('api')` behind an app-wide guard
 * that denies whatever is not marked `@Public()`; the module is let through by
 * `notification.routeMetadata`. Both apps compile with `skipLibCheck: false`
 * and without @types/pg, prom-client or @types/express. A CommonJS app
 * (test/package/consumer-cjs, tsc `module: nodenext` in a "type": "commonjs"
 * folder) then takes a payment from the same install through require(esm), on
 * Node 20 and on Node 24 (test/support/node-binary.ts). Packages come from the
 * npm cache when they are there (--prefer-offline).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test', 'package', 'consumer-app');
const CJS_FIXTURE = join(ROOT, 'test', 'package', 'consumer-cjs');
/** The Node majors the CommonJS app runs on: the oldest supported line and the current LTS. */
const CJS_NODE_MAJORS = [20, 24];
/** Types the declarations must not need: optional peers' and ones no required peer brings. */
const NOT_NEEDED_TYPES = ['@types/pg', 'prom-client', '@types/express', '@opentelemetry/api', '@nestjs/terminus'];
const run = promisify(execFile);
// Read from the file: some packages (typeorm) do not export their package.json.
const repoVersion = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The scratch app's Nest: a published 12.x whose minor differs from the repository's. */
const CONSUMER_NEST = '12.4.2';
const SAME_AS_REPO = ['@nestjs/config', '@nestjs/event-emitter', '@nestjs/schedule', '@nestjs/typeorm', 'typeorm', 'pg', 'class-validator', 'class-transformer', 'reflect-metadata', 'rxjs'];

/** Everything the tarball may hold: the compiled library, CLI and sandbox, the SQL, the AsyncAPI document, the documents and the example env files. */
const ALLOWED_IN_TARBALL =
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|sql\/schema\.sql|asyncapi\/baofoo-events\.json|docs\/[a-z0-9/_-]+\.md|docs\/examples\/config\/[a-z]+\.env|dist\/(baofoo|cli|sandbox)\/[a-z0-9/._-]+\.(js|d\.ts))$/;
/** No tests, bench, demo, example apps, TypeScript sources, container files, nor an env file other than the examples. */
const FORBIDDEN_IN_TARBALL = /(\.spec\.|(^|\/)(test|bench|demo|infra)\/|^(src|dist)\/examples\/|\.ts$(?<!\.d\.ts)|Dockerfile|docker-compose|^(?!docs\/examples\/config\/)[^]*\.env)/;
/** What a user reads and copies: the README's links lead to these. */
const SHIPPED_DOCS = ['docs/options.md', 'docs/runbook.md', 'docs/sandbox.md', 'docs/architecture.md'];
const SHIPPED_EXAMPLES = ['development', 'test', 'production'].map((env) => `docs/examples/config/${env}.env`);

// A child npm must not inherit the settings of the `npm test` that started jest.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

interface PackResult {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

interface ConsumerRun {
  answers: { status: number; body: string }[];
  deliveries: string[];
  orders: { transId: string; status: string; factMoney: number }[];
  outbox: { type: string; delivered: boolean }[];
  transId: string;
  /** The path of the signed ReturnUrl, where the notifications were posted. */
  returnPath: string;
  /** The app's own unmarked route, through its app-wide guard. */
  unmarkedStatus: number;
  /** `SHOW statement_timeout` through the app's DataSource. */
  appStatementTimeout: string;
}

/** What the CommonJS app prints. */
interface CommonJsRun {
  node: string;
  format: string;
  answer: { status: number; body: string };
  status: string;
}

describe('the packed nestjs-baofoo in a scratch Nest app', () => {
  let dir: string;
  let db: TestDatabase;
  let pack: PackResult;
  let migrateOutput: string;
  let sandboxHelp: { stdout: string; stderr: string };
  let consumer: ConsumerRun;
  const commonJs = new Map<number, CommonJsRun>();
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Date.now() - started;
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baofoo-consumer-'));
    const packed = await timed('pack', () => run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: childEnv, maxBuffer: 16 << 20 }));
    pack = (JSON.parse(packed.stdout) as PackResult[])[0];

    cpSync(FIXTURE, dir, { recursive: true });
    const dependencies: Record<string, string> = {
      'nestjs-baofoo': `file:./${pack.filename}`,
      '@nestjs/common': CONSUMER_NEST,
      '@nestjs/core': CONSUMER_NEST,
      '@nestjs/platform-express': CONSUMER_NEST,
      ...Object.fromEntries(SAME_AS_REPO.map((name) => [name, repoVersion(name)])),
    };
    const devDependencies = { typescript: repoVersion('typescript'), '@types/node': repoVersion('@types/node') };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module', dependencies, devDependencies }, null, 2));
    await timed('install', () => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: childEnv, maxBuffer: 16 << 20 }));
    await timed('tsc', () => run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, env: childEnv }));

    // What the README's first steps tell a user to type.
    sandboxHelp = await timed('sandbox --help', () => run('npx', ['--no-install', 'baofoo', 'sandbox', '--help'], { cwd: dir, env: childEnv }));

    db = await createEmptyDatabase();
    // The bin link npm made, exactly what `npx baofoo migrate` runs.
    migrateOutput = (await timed('migrate', () => run(join(dir, 'node_modules', '.bin', 'baofoo'), ['migrate', '--url', db.url], { cwd: dir, env: childEnv }))).stdout;
    const app = await timed('payment', () => run(process.execPath, [join(dir, 'dist', 'main.js')], { cwd: dir, env: { ...childEnv, DATABASE_URL: db.url }, maxBuffer: 16 << 20 }));
    consumer = JSON.parse(app.stdout.trim().split('\n').at(-1) ?? '') as ConsumerRun;

    // The CommonJS app, in a folder of the same scratch app: the same install serves it.
    cpSync(CJS_FIXTURE, join(dir, 'cjs'), { recursive: true });
    await timed('tsc cjs', () => run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'cjs', 'tsconfig.json')], { cwd: join(dir, 'cjs'), env: childEnv }));
    for (const major of CJS_NODE_MAJORS) {
      const node = await timed(`node ${major}`, () => nodeBinary(major, childEnv));
      const cjs = await timed(`cjs on node ${major}`, () => run(node, [join(dir, 'cjs', 'dist', 'main.js')], { cwd: join(dir, 'cjs'), env: { ...childEnv, DATABASE_URL: db.url }, maxBuffer: 16 << 20 }));
      commonJs.set(major, JSON.parse(cjs.stdout.trim().split('\n').at(-1) ?? '') as CommonJsRun);
    }
  }, 900_000);

  afterAll(async () => {
    process.stdout.write(`consumer test timings (ms): ${JSON.stringify(timings)}; tarball ${pack?.entryCount} files, ${pack?.size} bytes\n`);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pins a different 12.x minor of Nest than the repository, so a second copy would show', () => {
    expect(CONSUMER_NEST.split('.').slice(0, 2)).not.toEqual(repoVersion('@nestjs/core').split('.').slice(0, 2));
    expect(CONSUMER_NEST.split('.')[0]).toBe('12');
  });

  it('packs the library, its CLI, migrations and SQL, README, LICENSE, CHANGELOG, the docs and the example env files, and nothing else', () => {
    const paths = pack.files.map((f) => f.path);

    expect(paths.filter((p) => !ALLOWED_IN_TARBALL.test(p) || FORBIDDEN_IN_TARBALL.test(p))).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'sql/schema.sql',
        'asyncapi/baofoo-events.json',
        'dist/baofoo/index.js',
        'dist/baofoo/index.d.ts',
        'dist/baofoo/testing/index.js',
        'dist/baofoo/protocol/index.js',
        'dist/sandbox/index.js',
        'dist/cli/main.js',
        'dist/baofoo/database/baofoo-migrations.js',
        ...SHIPPED_DOCS,
        ...SHIPPED_EXAMPLES,
      ]),
    );
  });

  it('names the repository, so the registry page resolves the README’s relative links', () => {
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', 'nestjs-baofoo', 'package.json'), 'utf8')) as Record<string, unknown>;

    expect(installed).toMatchObject({ repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) }, homepage: expect.any(String), bugs: { url: expect.any(String) } });
  });

  it('links from the installed README and docs only to files installed with them', () => {
    const installed = join(dir, 'node_modules', 'nestjs-baofoo');
    const markdown = pack.files.map((f) => f.path).filter((p) => p.endsWith('.md'));

    expect(markdown).toEqual(expect.arrayContaining(['README.md', ...SHIPPED_DOCS]));
    expect(brokenRelativeLinks(installed, markdown)).toEqual([]);
  });

  it('runs `npx baofoo sandbox --help` from the installed package', () => {
    expect(sandboxHelp.stdout).toMatch(/^usage: npx baofoo sandbox /);
    expect(sandboxHelp.stdout).toContain('--port');
    expect(sandboxHelp.stdout).toContain('--drop-notification');
  });

  it('installs exactly one @nestjs/core: the app’s own', () => {
    const copies: string[] = [];
    const walk = (modules: string): void => {
      for (const entry of readdirSync(modules, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const at = join(modules, entry.name);
        if (entry.name.startsWith('@')) {
          for (const scoped of readdirSync(at, { withFileTypes: true })) {
            if (!scoped.isDirectory()) continue;
            const pkg = join(at, scoped.name);
            if (`${entry.name}/${scoped.name}` === '@nestjs/core') copies.push(pkg);
            walk2(pkg);
          }
        } else walk2(at);
      }
    };
    const walk2 = (pkg: string): void => {
      try {
        walk(join(pkg, 'node_modules'));
      } catch {
        // No nested node_modules.
      }
    };
    walk(join(dir, 'node_modules'));

    expect(copies).toEqual([join(dir, 'node_modules', '@nestjs', 'core')]);
    expect(JSON.parse(readFileSync(join(copies[0], 'package.json'), 'utf8')).version).toBe(CONSUMER_NEST);
  });

  it('ships the AsyncAPI document as nestjs-baofoo/asyncapi.json, the one the installed `baofoo asyncapi` prints', async () => {
    const imported = await run(process.execPath, ['--input-type=module', '-e', "import d from 'nestjs-baofoo/asyncapi.json' with { type: 'json' }; process.stdout.write(JSON.stringify(d))"], { cwd: dir, env: childEnv });
    const printed = await run(join(dir, 'node_modules', '.bin', 'baofoo'), ['asyncapi'], { cwd: dir, env: childEnv });

    expect(JSON.parse(imported.stdout)).toMatchObject({ asyncapi: '2.6.0', channels: { 'baofoo.payment.succeeded': expect.any(Object) } });
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(imported.stdout));
  });

  it('creates the tables with the installed `baofoo migrate`', () => {
    expect(migrateOutput.trim().split('\n')).toEqual(BAOFOO_MIGRATIONS.map((m) => `applied ${m.name}`));
  });

  it('settles a payment from a notification made with nestjs-baofoo/testing: one PAID order, one delivery to @OnBaofooEvent, a repeat answered OK and not delivered again', () => {
    expect(consumer.answers).toEqual([
      { status: 200, body: 'OK' },
      { status: 200, body: 'OK' },
    ]);
    expect(consumer.orders).toEqual([{ transId: consumer.transId, status: 'PAID', factMoney: 1234 }]);
    expect(consumer.outbox).toEqual([{ type: 'baofoo.payment.succeeded', delivered: true }]);
    expect(consumer.deliveries).toEqual([consumer.transId]);
  });

  it('signs a ReturnUrl under the app’s global prefix, and lets the gateway through the app-wide guard by the route metadata option while the guard still denies the app’s unmarked routes', () => {
    expect(consumer.returnPath).toBe('/api/baofoo/notify');
    expect(consumer.unmarkedStatus).toBe(403);
  });

  it('keeps the module’s statement timeout (1700 ms in the app) off the app’s DataSource', () => {
    expect(consumer.appStatementTimeout).toBe('0');
  });

  it('compiles both apps with skipLibCheck false, though the scratch app has no @types/pg, prom-client or @types/express', () => {
    expect(NOT_NEEDED_TYPES.filter((name) => existsSync(join(dir, 'node_modules', name)))).toEqual([]);
    for (const tsconfig of ['tsconfig.json', join('cjs', 'tsconfig.json')]) {
      expect(readFileSync(join(dir, tsconfig), 'utf8')).toMatch(/"skipLibCheck": false/);
    }
  });

  it('builds the CommonJS app to require() calls of the ESM-only package', () => {
    const main = readFileSync(join(dir, 'cjs', 'dist', 'main.js'), 'utf8');

    expect(main).toContain('require("nestjs-baofoo")');
    expect(main).toContain('require("nestjs-baofoo/testing")');
    expect(main).not.toMatch(/^import /m);
  });

  it.each(CJS_NODE_MAJORS)('settles a payment in the CommonJS app on Node %i', (major) => {
    const result = commonJs.get(major);

    expect(result?.node.split('.')[0]).toBe(`v${major}`);
    expect(result).toMatchObject({ format: 'commonjs', answer: { status: 200, body: 'OK' }, status: 'PAID' });
  });
});
