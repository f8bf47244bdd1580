import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { rowsJson, SqlParams, type SqlStatement } from '../database/sql-params.ts';
import { ledgerRowsInsertSql } from '../orders/settlement-sql.ts';
import type { RefusalCount, RefusalSample } from './refusal-tally.ts';

/*
 * One statement per batch: the samples go to the ledger (with the time each
 * was received) and the counts are added to their rows (instances add up,
 * nothing is overwritten).
 */
function flushStatement(counts: readonly RefusalCount[], samples: readonly RefusalSample[]): SqlStatement {
  const p = new SqlParams();
  const countRows = counts.map((c) => ({
    window_start: c.windowStart,
    source_ip: c.sourceIp,
    reason_code: c.reasonCode,
    count: c.count,
    first_seen_at: c.firstSeenAt,
    last_seen_at: c.lastSeenAt,
    sample_method: c.sampleMethod,
    sample_body: c.sampleBody,
  }));
  const text = `WITH samples AS (${ledgerRowsInsertSql(samples, p)} RETURNING id),
  counted AS (
    INSERT INTO baofoo_refusal_counts AS c (window_start, source_ip, reason_code, count, first_seen_at, last_seen_at, sample_method, sample_body)
    SELECT r.window_start, r.source_ip, r.reason_code, r.count, r.first_seen_at, r.last_seen_at, r.sample_method, r.sample_body
    FROM jsonb_to_recordset(${p.add(rowsJson(countRows))}::jsonb) AS r(window_start timestamptz, source_ip varchar, reason_code varchar, count bigint,
      first_seen_at timestamptz, last_seen_at timestamptz, sample_method varchar, sample_body text)
    ON CONFLICT (window_start, source_ip, reason_code) DO UPDATE
      SET count = c.count + excluded.count, first_seen_at = LEAST(c.first_seen_at, excluded.first_seen_at), last_seen_at = GREATEST(c.last_seen_at, excluded.last_seen_at)
    RETURNING 1)
  SELECT (SELECT count(*) FROM samples)::int AS samples, (SELECT count(*) FROM counted)::int AS counts`;
  return { text, params: p.values };
}

/** Writes drained refusal batches. */
@Injectable()
export class RefusalCountStore {
  constructor(private readonly db: BaofooDatabase) {}

  async write(counts: readonly RefusalCount[], samples: readonly RefusalSample[]): Promise<void> {
    const { text, params } = flushStatement(counts, samples);
    await this.db.query(text, params);
  }
}
