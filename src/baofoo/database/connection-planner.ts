import type pg from 'pg';
import { BaofooError } from '../protocol/errors.ts';
import { needsProbe, planConnections, type ConnectionPlan, type TopologySettings } from './database-topology.ts';
import { observeTopology } from './topology-probe.ts';

/** Timeouts of the probe's own connections: it runs once, at boot or on first use. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * The connection plan of one server, decided once (probed when a setting is
 * `auto`) and shared by every pool to it (the module's, the relay's). A probe
 * that could not reach the server is tried again on the next use; a refusal
 * (statement pooling) stays.
 */
export class ConnectionPlanner {
  private pending: Promise<ConnectionPlan> | null = null;
  private decided: ConnectionPlan | null = null;

  constructor(
    private readonly connection: () => pg.ClientConfig,
    readonly settings: TopologySettings,
    private readonly observe = observeTopology,
  ) {}

  /** The plan once decided (null before). */
  get current(): ConnectionPlan | null {
    return this.decided;
  }

  plan(): Promise<ConnectionPlan> {
    if (this.decided) return Promise.resolve(this.decided);
    this.pending ??= this.decide().then(
      (plan) => (this.decided = plan),
      (e: unknown) => {
        if (!(e instanceof BaofooError)) this.pending = null;
        throw e;
      },
    );
    return this.pending;
  }

  private async decide(): Promise<ConnectionPlan> {
    if (!needsProbe(this.settings)) return planConnections(this.settings, null);
    const config = { ...withoutStartupTimeout(this.connection()), application_name: 'baofoo-probe', connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS };
    const observation = await this.observe(config, { preparedStatements: this.settings.preparedStatements === 'auto' });
    return planConnections(this.settings, observation);
  }
}

/** Connection settings without a `statement_timeout` startup parameter, which PgBouncer refuses: the plan decides how the timeout is sent. */
export function withoutStartupTimeout(connection: pg.ClientConfig): pg.ClientConfig {
  const { statement_timeout: _sentByPlan, ...rest } = connection;
  return rest;
}
