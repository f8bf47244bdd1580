import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Channel } from 'amqplib';
import { BAOFOO_EVENTS_EXCHANGE } from '../baofoo/events/baofoo-events.ts';
import { aptInstall } from './apt-get.ts';
import { freePort, type Account } from './embedded-database.ts';

/** Debian's package (`apt-get install rabbitmq-server`): the scripts without the wrapper that insists on /var/lib/rabbitmq. */
const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';
const EPMD = '/usr/bin/epmd';
/** Longest wait for a node to boot (Mnesia, the Erlang VM) or to stop, in ms; a start takes a few seconds. */
const START_TIMEOUT_MS = 90_000;

export interface RabbitMq {
  /** amqp://guest:guest@127.0.0.1:<port> (guest may log in from loopback, the only interface the node listens on). */
  readonly url: string;
  readonly port: number;
  /** The Erlang node name, for `rabbitmqctl -n`. */
  readonly nodeName: string;
  /** Stops the node (gracefully: queues and persistent messages stay) and starts it again on the same ports and data; resolves once it accepts AMQP. */
  restart(): Promise<void>;
  /**
   * Turns the memory alarm on (a high watermark of 0: every publishing
   * connection is blocked, `connection.blocked`) or back off (the default 0.4).
   */
  setMemoryAlarm(on: boolean): Promise<void>;
  /** `rabbitmqctl <args>` against this node; its standard output. */
  ctl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface RabbitMqOptions {
  onLog?: (line: string) => void;
}

/** RabbitMQ from Debian's package, installed on first use: a fresh CI image has none. */
export function ensureRabbitMq(): void {
  if (!existsSync(join(RABBITMQ_BIN, 'rabbitmq-server'))) aptInstall(['rabbitmq-server']);
  if (!existsSync(join(RABBITMQ_BIN, 'rabbitmq-server'))) throw new Error(`rabbitmq-server was installed but ${RABBITMQ_BIN}/rabbitmq-server is missing`);
}

/** RabbitMQ refuses to run as root: as root, the package's `rabbitmq` user runs it. */
function rabbitmqAccount(): Account | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'rabbitmq'], { encoding: 'utf8', stdio: 'pipe' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a throwaway RabbitMQ node as the embedded PostgreSQL is started:
 * loopback only, free ports (AMQP, Erlang distribution, and an epmd of its
 * own, so no system-wide epmd is started or left behind), no plugins, and
 * everything it writes (Mnesia, logs, the Erlang cookie, its configuration)
 * in one private folder that `stop()` (or a failed start) removes.
 */
export async function startRabbitMq(options: RabbitMqOptions = {}): Promise<RabbitMq> {
  ensureRabbitMq();
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const account = rabbitmqAccount();
  const dir = mkdtempSync(join(tmpdir(), 'baofoo-rabbitmq-'));
  const nodeName = `baofoo-${randomBytes(4).toString('hex')}@localhost`;
  const recentLog: string[] = [];
  const log = (line: string) => {
    recentLog.push(line);
    if (recentLog.length > 30) recentLog.shift();
    options.onLog?.(line);
  };
  // HOME holds the cookie the node and rabbitmqctl share; the env file replaces /etc/rabbitmq/rabbitmq-env.conf.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: dir,
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(epmdPort),
  };
  const files: Record<string, string> = {
    '.erlang.cookie': randomBytes(16).toString('hex'),
    'rabbitmq-env.conf': '',
    enabled_plugins: '[].\n',
    // Distribution on loopback too; no disk alarm in a nearly full /tmp (the test sets a memory alarm itself).
    'rabbitmq.conf': ['listeners.tcp.default = 127.0.0.1:' + port, 'disk_free_limit.absolute = 1', 'log.console.level = info', ''].join('\n'),
    'advanced.config': `[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n`,
  };
  const processes: ChildProcess[] = [];
  let node: ChildProcess | null = null;
  const run = promisify(execFile);
  const spawnAs = (command: string, args: string[]) => spawn(command, args, { cwd: dir, env, uid: account?.uid, gid: account?.gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const ctl = async (...args: string[]) => {
    const { stdout } = await run(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', nodeName, ...args], { cwd: dir, env, uid: account?.uid, gid: account?.gid, timeout: 60_000 });
    return stdout;
  };

  const boot = async (): Promise<void> => {
    const child = spawnAs(join(RABBITMQ_BIN, 'rabbitmq-server'), []);
    node = child;
    processes.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Server startup complete" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          log(line);
          if (/Server startup complete/.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`rabbitmq-server exited (${signal ?? code})`));
      });
    });
  };

  const halt = async (child: ChildProcess | null): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The script's TERM trap stops the VM gracefully and waits for it; the whole group is killed if that hangs.
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child), START_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    killGroup(child);
  };

  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: name === '.erlang.cookie' ? 0o400 : 0o644 });
    if (account) for (const name of ['', ...readdirSync(dir)]) chownSync(join(dir, name), account.uid, account.gid);
    chmodSync(dir, 0o700);
    // An epmd of this node's own, in the foreground, so stop() can end it: a VM would otherwise start a daemon that outlives it.
    const epmd = spawnAs(EPMD, ['-port', String(epmdPort), '-address', '127.0.0.1']);
    processes.push(epmd);
    epmd.stdout!.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
    await boot();
  } catch (e) {
    for (const child of processes) killGroup(child);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`RabbitMQ did not start on port ${port}: ${e instanceof Error ? e.message : String(e)}\n${recentLog.join('\n')}`, { cause: e });
  }

  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    nodeName,
    restart: async () => {
      await halt(node);
      await boot();
    },
    setMemoryAlarm: async (on) => {
      await ctl('set_vm_memory_high_watermark', on ? '0' : '0.4');
    },
    ctl,
    stop: async () => {
      await halt(node);
      for (const child of processes) killGroup(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGKILL to the process group a detached child leads (the VM, its port programs), once it is known to be done with. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * What a consumer of the bridge does first: a durable queue bound to every routing key of the events exchange,
 * declared as the bridge declares it (a topic exchange drops what no queue is bound to, so bind before publishing).
 */
export async function bindEventsQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertExchange(BAOFOO_EVENTS_EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, BAOFOO_EVENTS_EXCHANGE, '#');
}
