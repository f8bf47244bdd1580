import { describe, expect, it } from '@jest/globals';
import { BaofooError } from '../protocol/errors.ts';
import { AUTO_TOPOLOGY, beginWithTimeoutSql, describePlan, needsProbe, planConnections, TOPOLOGY_ERRORS, type TopologyObservation } from './database-topology.ts';

const seen = (o: Partial<TopologyObservation>): TopologyObservation => ({
  backendKeyMatches: false,
  multiplexed: false,
  statementPooling: false,
  preparedStatementsFollow: null,
  evidence: 'spec',
  ...o,
});

describe('the connection plan', () => {
  it('keeps everything of a session directly on PostgreSQL: startup timeout, named statements, LISTEN', () => {
    expect(planConnections(AUTO_TOPOLOGY, seen({ backendKeyMatches: true }))).toEqual({
      topology: 'direct',
      detected: true,
      namedStatements: true,
      timeouts: 'startup-parameter',
      listen: 'connection',
      evidence: 'spec',
    });
  });

  it('sets the timeout once per connection behind a session pooler, which refuses it as a startup parameter', () => {
    expect(planConnections(AUTO_TOPOLOGY, seen({}))).toMatchObject({ topology: 'session', namedStatements: true, timeouts: 'session-set', listen: 'connection' });
  });

  it('behind a transaction pooler: SET LOCAL per transaction, no LISTEN, and named statements only where the probe saw them follow', () => {
    expect(planConnections(AUTO_TOPOLOGY, seen({ multiplexed: true, preparedStatementsFollow: false }))).toMatchObject({ topology: 'transaction', namedStatements: false, timeouts: 'transaction-local', listen: 'none' });
    expect(planConnections(AUTO_TOPOLOGY, seen({ multiplexed: true, preparedStatementsFollow: null })).namedStatements).toBe(false);
    expect(planConnections(AUTO_TOPOLOGY, seen({ multiplexed: true, preparedStatementsFollow: true })).namedStatements).toBe(true);
  });

  it('trusts the pinning test over a backend key a pooler might pass on', () => {
    expect(planConnections(AUTO_TOPOLOGY, seen({ backendKeyMatches: true, multiplexed: true })).topology).toBe('transaction');
  });

  it('LISTENs on listenUrl when one is configured', () => {
    expect(planConnections({ ...AUTO_TOPOLOGY, listenUrl: 'postgres://db/x' }, seen({ multiplexed: true })).listen).toBe('listen-url');
  });

  it('takes a configured topology and prepared-statement choice without probing', () => {
    expect(needsProbe({ topology: 'direct', preparedStatements: 'auto' })).toBe(false);
    expect(needsProbe({ topology: 'transaction', preparedStatements: false })).toBe(false);
    expect(needsProbe({ topology: 'transaction', preparedStatements: 'auto' })).toBe(true);
    expect(needsProbe(AUTO_TOPOLOGY)).toBe(true);
    expect(planConnections({ topology: 'transaction', preparedStatements: true }, null)).toMatchObject({ topology: 'transaction', detected: false, namedStatements: true, evidence: 'configured, not probed' });
    expect(planConnections({ topology: 'session', preparedStatements: false }, null)).toMatchObject({ namedStatements: false, timeouts: 'session-set' });
  });

  it('refuses statement pooling with a code and the fix', () => {
    const refuse = () => planConnections(AUTO_TOPOLOGY, seen({ multiplexed: true, statementPooling: true }));
    expect(refuse).toThrow(BaofooError);
    expect(refuse).toThrow(/statement mode.*DATABASE_URL/);
    try {
      refuse();
    } catch (e) {
      expect((e as BaofooError).code).toBe(TOPOLOGY_ERRORS.statementPooling);
    }
  });

  it('describes the plan in one line, and sends the local timeout in the same round trip as BEGIN', () => {
    expect(describePlan(planConnections(AUTO_TOPOLOGY, seen({ multiplexed: true })))).toMatch(/^detected topology transaction: .*unnamed statements; .*SET LOCAL.*the outbox relay polls/);
    expect(beginWithTimeoutSql(1500.7)).toBe('BEGIN; SET LOCAL statement_timeout = 1500');
  });
});
