import { BaofooError } from '../protocol/errors.ts';

/**
 * Where the module's connections land, and what that allows:
 * - `direct`: PostgreSQL itself (or a TCP proxy that keeps one backend per connection);
 * - `session`: a pooler that keeps one server connection per client connection (PgBouncer `pool_mode = session`);
 * - `transaction`: a pooler that hands a server connection out per transaction (PgBouncer `pool_mode = transaction`):
 *   nothing of a session (SET, LISTEN, a prepared statement) outlives a transaction.
 */
export type DatabaseTopology = 'direct' | 'session' | 'transaction';
export type TopologySetting = 'auto' | DatabaseTopology;
export type PreparedStatementsSetting = 'auto' | boolean;

export const TOPOLOGY_SETTINGS: readonly TopologySetting[] = ['auto', 'direct', 'session', 'transaction'];

export interface TopologySettings {
  /** `auto` probes at boot; a named topology is taken as it is. */
  topology: TopologySetting;
  /** Named (prepared) statements: `auto` uses them where they are known to work. */
  preparedStatements: PreparedStatementsSetting;
  /** A direct (or session-pooled) connection for LISTEN when the module's own connections cannot LISTEN. */
  listenUrl?: string;
}

/** Probe where needed, named statements where they work, LISTEN where it can. */
export const AUTO_TOPOLOGY: TopologySettings = { topology: 'auto', preparedStatements: 'auto' };

/** What the probe (topology-probe.ts) saw on two connections of its own. */
export interface TopologyObservation {
  /** The backend pid the server reports equals the one the connection's startup announced: nothing sits between. */
  backendKeyMatches: boolean;
  /** One connection's statements ran on different backends, or two connections shared one: transaction pooling. */
  multiplexed: boolean;
  /** The pooler refused a transaction block (PgBouncer `pool_mode = statement`). */
  statementPooling: boolean;
  /** A statement prepared on one backend ran on another (PgBouncer ≥ 1.21 with `max_prepared_statements`); null: not seen either way. */
  preparedStatementsFollow: boolean | null;
  /** What was seen, for the log and `doctor`. */
  evidence: string;
}

/** How the module's timeouts reach the server. */
export type TimeoutDelivery =
  /** `statement_timeout` as a startup parameter: free, but PgBouncer refuses unknown startup parameters. */
  | 'startup-parameter'
  /** `SET statement_timeout` once per connection (the session belongs to the connection; PgBouncer's `DISCARD ALL` resets it when the client leaves). */
  | 'session-set'
  /** `BEGIN; SET LOCAL statement_timeout` in one round trip before each transaction: nothing outlives it. */
  | 'transaction-local';

export interface ConnectionPlan {
  topology: DatabaseTopology;
  /** Whether `topology` was probed (true) or configured. */
  detected: boolean;
  namedStatements: boolean;
  timeouts: TimeoutDelivery;
  /** Where the outbox relay LISTENs: the module's connection settings, `listenUrl`, or nowhere (polling only). */
  listen: 'connection' | 'listen-url' | 'none';
  evidence: string;
}

export const TOPOLOGY_ERRORS = {
  /** Statement pooling runs every statement alone: the module's transactions cannot run. */
  statementPooling: 'DATABASE_STATEMENT_POOLING',
} as const;

/** A probe is needed for whatever is `auto` and not implied by a configured topology. */
export function needsProbe(s: Pick<TopologySettings, 'topology' | 'preparedStatements'>): boolean {
  return s.topology === 'auto' || (s.topology === 'transaction' && s.preparedStatements === 'auto');
}

function observedTopology(o: TopologyObservation): DatabaseTopology {
  if (o.multiplexed) return 'transaction';
  return o.backendKeyMatches ? 'direct' : 'session';
}

/**
 * The plan for the module's connections. Without an observation only
 * configured values count; an unknown prepared-statement behaviour behind a
 * transaction pooler means unnamed statements, which always work.
 */
export function planConnections(settings: TopologySettings, observation: TopologyObservation | null): ConnectionPlan {
  if (observation?.statementPooling) {
    throw new BaofooError(
      TOPOLOGY_ERRORS.statementPooling,
      'the module\'s database connections go through a pooler in statement mode (PgBouncer pool_mode = statement), which refuses transactions, and settling a payment needs them: ' +
        'give the app a DATABASE_URL to PostgreSQL directly or to a pool in transaction or session mode',
    );
  }
  const topology = settings.topology === 'auto' ? observedTopology(observation!) : settings.topology;
  const namedStatements =
    settings.preparedStatements !== 'auto' ? settings.preparedStatements : topology !== 'transaction' || observation?.preparedStatementsFollow === true;
  const timeouts: TimeoutDelivery = topology === 'direct' ? 'startup-parameter' : topology === 'session' ? 'session-set' : 'transaction-local';
  const listen = settings.listenUrl ? 'listen-url' : topology === 'transaction' ? 'none' : 'connection';
  return { topology, detected: settings.topology === 'auto', namedStatements, timeouts, listen, evidence: observation?.evidence ?? 'configured, not probed' };
}

const MEANING: Record<DatabaseTopology, string> = {
  direct: 'PostgreSQL directly',
  session: 'a pooler in session mode (one server connection per client connection)',
  transaction: 'a pooler in transaction mode (server connections change between transactions)',
};

const TIMEOUTS: Record<TimeoutDelivery, string> = {
  'startup-parameter': 'statement_timeout as a startup parameter (no extra round trip)',
  'session-set': 'statement_timeout by SET once per connection',
  'transaction-local': 'statement_timeout by SET LOCAL in each transaction (an autocommit statement costs BEGIN and COMMIT round trips)',
};

/** One line for the boot log and `doctor`. */
export function describePlan(plan: ConnectionPlan): string {
  const listen = { connection: 'LISTEN on the module\'s connection settings', 'listen-url': 'LISTEN on database.listenUrl', none: 'no LISTEN (set database.listenUrl to a direct connection for prompt wake-ups): the outbox relay polls' }[plan.listen];
  return (
    `${plan.detected ? 'detected' : 'configured'} topology ${plan.topology}: ${MEANING[plan.topology]}; ` +
    `${plan.namedStatements ? 'named prepared statements' : 'unnamed statements'}; ${TIMEOUTS[plan.timeouts]}; ${listen} (${plan.evidence})`
  );
}

const millis = (ms: number) => Math.max(1, Math.trunc(ms));

/** Opens a transaction whose statements carry the timeout: one simple-protocol round trip, nothing left on the session. */
export function beginWithTimeoutSql(statementTimeoutMs: number): string {
  return `BEGIN; SET LOCAL statement_timeout = ${millis(statementTimeoutMs)}`;
}

/** The timeout of a session the module keeps for itself (direct or session-pooled connections only). */
export function sessionTimeoutSql(statementTimeoutMs: number): string {
  return `SET statement_timeout = ${millis(statementTimeoutMs)}`;
}
