import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { aptInstall } from './apt-get.ts';
import { freePort, postgresAccount } from './embedded-database.ts';

/** Debian's package (`apt-get install pgbouncer`). */
export const PGBOUNCER_PATH = '/usr/sbin/pgbouncer';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface PgbouncerOptions {
  /** The PostgreSQL every database name is routed to. */
  upstream: { host: string; port: number };
  /** The account PgBouncer authenticates clients with and logs in to PostgreSQL as. */
  user: string;
  password: string;
  poolMode: PoolMode;
  /** Server connections per database and user. Default 20. */
  poolSize?: number;
  /** More `[pgbouncer]` settings, e.g. `max_prepared_statements` on PgBouncer ≥ 1.21. */
  settings?: Record<string, string | number>;
  onLog?: (line: string) => void;
}

export interface Pgbouncer {
  readonly port: number;
  /** The PgBouncer process, for its CPU time. */
  readonly pid: number;
  readonly poolMode: PoolMode;
  /** postgres://… URL of `database` through this PgBouncer. */
  url(database: string): string;
  stop(): Promise<void>;
}

/** PgBouncer from Debian's package, installed on first use: a fresh CI image has none. */
export function ensurePgbouncer(): string {
  if (!existsSync(PGBOUNCER_PATH)) aptInstall(['pgbouncer']);
  if (!existsSync(PGBOUNCER_PATH)) throw new Error(`pgbouncer was installed but ${PGBOUNCER_PATH} is missing`);
  return PGBOUNCER_PATH;
}

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The configuration most deployments use: every database routed to one
 * server, SCRAM authentication from an auth_file, and only the startup
 * parameter pg drivers commonly send (`extra_float_digits`) ignored.
 */
function configText(o: PgbouncerOptions, port: number, dir: string): string {
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    unix_socket_dir: '',
    auth_type: 'scram-sha-256',
    auth_file: join(dir, 'userlist.txt'),
    pool_mode: o.poolMode,
    ignore_startup_parameters: 'extra_float_digits',
    max_client_conn: 1000,
    default_pool_size: o.poolSize ?? 20,
    pidfile: join(dir, 'pgbouncer.pid'),
    admin_users: o.user,
    ...o.settings,
  };
  return [
    '[databases]',
    `* = host=${o.upstream.host} port=${o.upstream.port}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
}

/**
 * Starts a throwaway PgBouncer on a free loopback port, with its
 * configuration in a private folder that `stop()` (or a failed start)
 * removes. PgBouncer refuses to run as root: as root, the `postgres` user
 * runs it.
 */
export async function startPgbouncer(o: PgbouncerOptions): Promise<Pgbouncer> {
  const binary = ensurePgbouncer();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'baofoo-pgbouncer-'));
  const account = userInfo().uid === 0 ? postgresAccount() : undefined;
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  const recentLog: string[] = [];
  let child: ChildProcess;
  try {
    writeFileSync(join(dir, 'userlist.txt'), `${quote(o.user)} ${quote(o.password)}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'pgbouncer.ini'), configText(o, port, dir), { mode: 0o600 });
    if (account) for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), account.uid, account.gid);
    child = spawn(binary, [join(dir, 'pgbouncer.ini')], { uid: account?.uid, gid: account?.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const onLine = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          recentLog.push(line);
          if (recentLog.length > 20) recentLog.shift();
          o.onLog?.(line);
          if (/process up/.test(line)) resolve();
        }
      };
      child.stdout!.on('data', onLine);
      child.stderr!.on('data', onLine);
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`pgbouncer exited (${signal ?? code})`)));
    });
  } catch (e) {
    cleanUp();
    throw new Error(`PgBouncer did not start on port ${port}: ${e instanceof Error ? e.message : String(e)}\n${recentLog.join('\n')}`, { cause: e });
  }
  const running = child;
  const exited = new Promise<void>((resolve) => (running.exitCode !== null || running.signalCode !== null ? resolve() : running.once('exit', () => resolve())));
  return {
    port,
    pid: running.pid!,
    poolMode: o.poolMode,
    url: (database) => `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      // SIGTERM is PgBouncer 1.18's immediate shutdown; SIGKILL if it hangs.
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      cleanUp();
    },
  };
}

/** A PgBouncer in front of the PostgreSQL of `serverUrl` (any database on it), logging in with that URL's credentials. */
export function startPgbouncerFor(serverUrl: string, poolMode: PoolMode, poolSize?: number): Promise<Pgbouncer> {
  const server = new URL(serverUrl);
  return startPgbouncer({
    upstream: { host: server.hostname, port: Number(server.port) },
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    poolMode,
    poolSize,
  });
}
