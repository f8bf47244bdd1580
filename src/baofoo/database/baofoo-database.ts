import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { BaofooError } from '../protocol/errors.ts';
import { ConnectionPlanner, withoutStartupTimeout } from './connection-planner.ts';
import { AUTO_TOPOLOGY, beginWithTimeoutSql, sessionTimeoutSql, type ConnectionPlan } from './database-topology.ts';
import { queryText, type Sql } from './named-statements.ts';

/** Timeouts and size of the module's own connection pool. */
const KEEPALIVE_AFTER_IDLE_MS = 30_000;

export interface BaofooDatabaseSettings {
  /** Connections in the pool. */
  poolSize: number;
  /** Connections kept however long they sit idle (pg-pool's `min`); default `poolSize`, a fixed pool. */
  poolMin?: number;
  /** A connection above `poolMin` closes after this long idle, in ms. Default 60000. */
  idleTimeoutMs?: number;
  /** Server-side cap on one statement (`statement_timeout`), in ms. */
  statementTimeoutMs: number;
  /** Longest wait for a connection (a pooled one or a new one), in ms. */
  connectTimeoutMs: number;
  /**
   * The whole of one `query()` (wait for a connection + the statement) gives up
   * on the client side after this long, in ms, so a frozen server still gets
   * the caller an answer in time.
   */
  answerWithinMs: number;
}

/** Rows come back as pg returns them (bigint as text). */
export type Row = object;

/** What a transaction callback may run: statements on the transaction's own connection. */
export interface BaofooTransaction {
  /** `sql`: text, or a named statement of named-statements.ts (prepared once per connection). */
  query<R extends Row = Row>(sql: Sql, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * A statement whose outcome is not known for sure: the connection was lost or
 * timed out on the client side, or a statement left a transaction open. The
 * connection is destroyed; the caller must not report success.
 */
export class BaofooDatabaseError extends BaofooError {}

/** Stable codes of `BaofooDatabaseError`. */
export const DATABASE_ERRORS = {
  /** An autocommit statement finished with a transaction still open (it was not committed). */
  transactionLeftOpen: 'DATABASE_TRANSACTION_LEFT_OPEN',
  /** COMMIT did not commit (the transaction had failed) or did not end the transaction. */
  commitUnconfirmed: 'DATABASE_COMMIT_UNCONFIRMED',
  /** The caller's answer deadline had passed (or passed while waiting for a connection): nothing was sent. */
  deadlinePassed: 'DATABASE_DEADLINE_PASSED',
} as const;

/** The time (epoch ms) by which the work running in this async context must have its answer. */
const answerDeadline = new AsyncLocalStorage<number>();

/*
 * Why a connection is destroyed rather than returned after most errors:
 * node-pg neither cancels a statement on a client-side timeout nor sends a
 * query queued behind it, so a `ROLLBACK` queued after a timeout is never
 * sent, and a connection handed back to the pool can still be inside a
 * transaction (holding its locks). The next borrower's statements then run
 * inside that foreign transaction, "succeed", and are rolled back when the
 * connection finally closes. Only an error the server itself reported on an
 * autocommit statement leaves a connection provably clean.
 */
function provablyClean(error: unknown, inTransaction: boolean): boolean {
  return !inTransaction && error instanceof pg.DatabaseError && !endsSession(error);
}

/** A FATAL or PANIC error (57P01 administrator shutdown, a crashed postmaster…) ends the session: its connection is dead. */
function endsSession(error: pg.DatabaseError): boolean {
  return error.severity === 'FATAL' || error.severity === 'PANIC';
}

/** pg's config of one statement, written out: on Node 20 a spread followed by more fields costs a new hidden class per call. */
function queryConfig(sql: Sql, plan: ConnectionPlan, values: readonly unknown[], timeoutMs: number): pg.QueryConfig {
  const { name, text } = queryText(sql, plan.namedStatements);
  return { name, text, values: values as unknown[], query_timeout: timeoutMs } as pg.QueryConfig;
}

function destroy(client: pg.PoolClient, cause: unknown): void {
  client.release(cause instanceof Error ? cause : new Error(String(cause)));
}

/**
 * The module's database access: its own `pg.Pool` with its own timeouts, and
 * two ways to run SQL, each of which answers only once the outcome is known.
 *
 * - `query()` runs one autocommit statement; it resolves only when the
 *   statement finished and the connection is idle outside any transaction
 *   (`getTransactionStatus() === 'I'`), so a write it reports is committed.
 * - `transaction()` runs BEGIN … COMMIT on one connection and resolves only
 *   when COMMIT really committed.
 *
 * Any failure whose effect on the connection is not provably clean destroys
 * the connection (`release(err)`); it is never handed to another caller.
 */
export class BaofooDatabase {
  private pool: pg.Pool | null = null;
  private ended = false;
  /** Connections whose session already carries the timeout (session-pooled topology). */
  private readonly timed = new WeakSet<pg.PoolClient>();

  /**
   * @param connection how to reach the server (a DataSource's pool options, a URL…);
   *   the settings' timeouts and pool size replace whatever it says about them.
   * @internal pg's types: left out of the declarations, which must compile without @types/pg.
   */
  constructor(
    private readonly connection: () => pg.ClientConfig,
    readonly settings: BaofooDatabaseSettings,
    private readonly applicationName = 'baofoo',
    /** Where the connections land (direct, session or transaction pooling) and so how to use them; shared with derived pools. */
    private readonly planner = new ConnectionPlanner(connection, AUTO_TOPOLOGY),
  ) {}

  /** How the connections are used, probed on first call when the topology is `auto`. */
  connectionPlan(): Promise<ConnectionPlan> {
    return this.planner.plan();
  }

  /**
   * Runs `work` with one deadline for every statement it makes through this
   * class, however many: a request that reads, then writes, then records
   * still gets its answer by `at` (epoch ms) when the database stalls.
   */
  answerBy<T>(at: number, work: () => T): T {
    return answerDeadline.run(Math.min(at, answerDeadline.getStore() ?? Infinity), work);
  }

  /**
   * Runs one autocommit statement; resolves with its rows once it is known to
   * be committed. `sql` may be a named statement (named-statements.ts), which
   * each connection prepares once, unless the plan says unnamed statements
   * (a transaction pooler that cannot carry them).
   *
   * Behind a transaction pooler a session cannot keep the timeout, so the
   * statement runs in its own transaction that sets it: BEGIN … COMMIT,
   * three round trips instead of one (docs/architecture/database.md).
   */
  async query<R extends Row = Row>(sql: Sql, params: readonly unknown[] = []): Promise<R[]> {
    const deadline = Math.min(Date.now() + this.settings.answerWithinMs, answerDeadline.getStore() ?? Infinity);
    const plan = this.planner.current ?? (await this.planner.plan());
    if (plan.timeouts === 'transaction-local') return this.inTransaction(plan, deadline, (tx) => tx.query<R>(sql, params));
    const client = await this.connect(plan, deadline);
    let result: pg.QueryResult;
    try {
      await this.timeSession(plan, client, deadline);
      result = await client.query(queryConfig(sql, plan, params, Math.max(1, deadline - Date.now())));
    } catch (e) {
      if (provablyClean(e, false)) client.release();
      else destroy(client, e);
      throw e;
    }
    const status = client.getTransactionStatus();
    if (status !== 'I') {
      const error = new BaofooDatabaseError(DATABASE_ERRORS.transactionLeftOpen, `a statement finished inside a transaction (status ${status}): nothing it wrote is committed`, { status });
      destroy(client, error);
      throw error;
    }
    client.release();
    return result.rows as R[];
  }

  /**
   * Runs `work` in one transaction on one connection. Resolves with what
   * `work` returned once COMMIT is confirmed; on any error the connection is
   * destroyed (the server rolls the transaction back), never reused.
   */
  async transaction<T>(work: (tx: BaofooTransaction) => Promise<T>): Promise<T> {
    const plan = this.planner.current ?? (await this.planner.plan());
    return this.inTransaction(plan, answerDeadline.getStore() ?? Infinity, work);
  }

  private async inTransaction<T>(plan: ConnectionPlan, deadline: number, work: (tx: BaofooTransaction) => Promise<T>): Promise<T> {
    const client = await this.connect(plan, deadline);
    // Each statement gets the usual budget, cut to the caller's deadline when it has one.
    const run = (sql: Sql, values: readonly unknown[] = []) =>
      client.query(queryConfig(sql, plan, values, Math.max(1, Math.min(this.settings.answerWithinMs, deadline - Date.now()))));
    try {
      await this.timeSession(plan, client, deadline);
      // Behind a transaction pooler the timeout lives and dies with the transaction, set in BEGIN's own round trip.
      await run(plan.timeouts === 'transaction-local' ? beginWithTimeoutSql(this.settings.statementTimeoutMs) : 'BEGIN');
      const value = await work({ query: async <R extends Row>(sql: Sql, params: readonly unknown[] = []) => (await run(sql, params)).rows as R[] });
      const commit = await run('COMMIT');
      const status = client.getTransactionStatus();
      // COMMIT of a failed transaction answers ROLLBACK, without an error.
      if (commit.command !== 'COMMIT' || status !== 'I') {
        throw new BaofooDatabaseError(DATABASE_ERRORS.commitUnconfirmed, `COMMIT was answered ${commit.command} (status ${status}): nothing of the transaction is committed`, { command: commit.command, status });
      }
      client.release();
      return value;
    } catch (e) {
      destroy(client, e);
      throw e;
    }
  }

  /**
   * Another pool to the same server with other settings: a background
   * worker (the outbox relay) gets connections of its own, so it never makes
   * a notification wait for one. The caller ends it.
   */
  derive(settings: Partial<BaofooDatabaseSettings>, applicationName: string): BaofooDatabase {
    return new BaofooDatabase(this.connection, { ...this.settings, ...settings }, applicationName, this.planner);
  }

  /**
   * Settings for a connection of its own (e.g. a LISTEN connection), like the pool's but without a timeout a pooler could refuse.
   * @internal pg's types (see the constructor).
   */
  connectionSettings(applicationName: string): pg.ClientConfig {
    return { ...this.clientConfig(null), application_name: applicationName };
  }

  /**
   * Settings for a LISTEN connection: the pool's, `database.listenUrl`, or null where LISTEN cannot work (transaction pooling).
   * @internal pg's types (see the constructor).
   */
  async listenSettings(applicationName: string): Promise<pg.ClientConfig | null> {
    const plan = await this.planner.plan();
    if (plan.listen === 'none') return null;
    const settings = this.connectionSettings(applicationName);
    // The URL's parts override the DataSource's; what it leaves out (a password, ssl) is taken from there.
    return plan.listen === 'listen-url' ? { ...settings, connectionString: this.planner.settings.listenUrl } : settings;
  }

  /** Connections open now (idle or in use). */
  get totalCount(): number {
    return this.pool?.totalCount ?? 0;
  }

  async end(): Promise<void> {
    this.ended = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  /** A connection by `deadline`; one that arrives later goes back to the pool unused (it ran nothing, so it is clean). */
  private async connect(plan: ConnectionPlan, deadline: number): Promise<pg.PoolClient> {
    if (this.ended) throw new BaofooError('DATABASE_CLOSED', 'the Baofoo database pool is closed (the app is shutting down)');
    const pool = (this.pool ??= this.createPool(plan));
    const left = deadline - Date.now();
    const passed = () => new BaofooDatabaseError(DATABASE_ERRORS.deadlinePassed, 'no database answer in time: the deadline passed before a connection was free', { deadline });
    if (left <= 0) throw passed();
    if (left >= this.settings.connectTimeoutMs) return pool.connect();
    const connecting = pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), left);
    });
    const client = await Promise.race([connecting, late]).finally(() => clearTimeout(timer));
    if (client) return client;
    connecting.then((c) => c.release(), () => undefined);
    throw passed();
  }

  /** Session-pooled connections get the timeout once, by SET: a pooler refuses it as a startup parameter. */
  private async timeSession(plan: ConnectionPlan, client: pg.PoolClient, deadline: number): Promise<void> {
    if (plan.timeouts !== 'session-set' || this.timed.has(client)) return;
    await client.query({ text: sessionTimeoutSql(this.settings.statementTimeoutMs), query_timeout: Math.max(1, deadline - Date.now()) } as pg.QueryConfig);
    this.timed.add(client);
  }

  /** The pool's client settings; `statement_timeout` is a startup parameter only where the plan says nothing sits between. */
  private clientConfig(plan: ConnectionPlan | null): pg.ClientConfig {
    const s = this.settings;
    const connection = withoutStartupTimeout(this.connection());
    return {
      ...connection,
      // The pool keeps its floor of connections for good: TCP keepalive probes stop a NAT or cloud load balancer
      // (AWS NAT 350 s, Azure 4 min idle) from dropping one silently, which would cost a notification its answer.
      keepAlive: connection.keepAlive ?? true,
      keepAliveInitialDelayMillis: connection.keepAliveInitialDelayMillis ?? KEEPALIVE_AFTER_IDLE_MS,
      application_name: this.applicationName,
      ...(plan?.timeouts === 'startup-parameter' ? { statement_timeout: s.statementTimeoutMs } : {}),
      query_timeout: s.answerWithinMs,
      connectionTimeoutMillis: s.connectTimeoutMs,
    };
  }

  private createPool(plan: ConnectionPlan): pg.Pool {
    // A floor of connections is kept for good (pg's default closes every idle one after 10 s): a new one costs a
    // backend start, authentication and cold caches that parse the settling statement in ~20 ms, so the
    // first notifications after a quiet spell waited 100 ms and more (issue 13). Above the floor, a burst's
    // connections close after a minute idle, so instances that are not busy give the server's connections
    // back (two instances of a fixed pool held all 20 of a small server). pg-pool keeps every connection
    // released while the pool is at or below `min`; a connection the server or the network drops is removed
    // and replaced on demand.
    const pool = new pg.Pool({ ...this.clientConfig(plan), max: this.settings.poolSize, min: Math.min(this.settings.poolMin ?? this.settings.poolSize, this.settings.poolSize), idleTimeoutMillis: this.settings.idleTimeoutMs ?? 60_000 });
    // An idle connection that dies (server restart, SIGKILLed backend) must not crash the app.
    pool.on('error', () => undefined);
    // pg-pool listens for a client's 'error' only while it is idle, and pg emits one whenever the socket
    // dies, a statement in flight or not: on a checked-out client that was an unhandled 'error' event that
    // killed the process (issue 18). This listener stays for the client's whole life. The error also fails
    // the client's statements and marks it not queryable, and pg-pool destroys such a client on release
    // instead of returning it, so the pool replaces it on demand.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  }
}
