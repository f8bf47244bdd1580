import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { rowsJson } from '../database/sql-params.ts';
import type { RefusalCount, RefusalSample } from './refusal-tally.ts';

/*
 * One statement per batch: the samples go to the ledger and the counts are
 * added to their rows (instances add up, nothing is overwritten).
 */
const FLUSH_SQL = `WITH samples AS (
    INSERT INTO baofoo_notification_ledger (received_at, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, reason_code, reason, http_status)
    SELECT s.received_at, s.member_id, s.terminal_id, s.trans_id, s.source_ip, s.method, s.fields, s.raw_body, 'rejected', s.reason_code, s.reason, s.http_status
    FROM jsonb_to_recordset($1::jsonb) AS s(received_at timestamptz, member_id varchar, terminal_id varchar, trans_id varchar, source_ip varchar, method varchar,
      fields jsonb, raw_body text, reason_code varchar, reason text, http_status int)
    RETURNING id),
  counted AS (
    INSERT INTO baofoo_refusal_counts AS c (window_start, source_ip, reason_code, count, first_seen_at, last_seen_at, sample_method, sample_body)
    SELECT r.window_start, r.source_ip, r.reason_code, r.count, r.first_seen_at, r.last_seen_at, r.sample_method, r.sample_body
    FROM jsonb_to_recordset($2::jsonb) AS r(window_start timestamptz, source_ip varchar, reason_code varchar, count bigint, first_seen_at timestamptz,
      last_seen_at timestamptz, sample_method varchar, sample_body text)
    ON CONFLICT (window_start, source_ip, reason_code) DO UPDATE
      SET count = c.count + excluded.count, first_seen_at = LEAST(c.first_seen_at, excluded.first_seen_at), last_seen_at = GREATEST(c.last_seen_at, excluded.last_seen_at)
    RETURNING 1)
  SELECT (SELECT count(*) FROM samples)::int AS samples, (SELECT count(*) FROM counted)::int AS counts`;

/** Writes drained refusal batches. */
@Injectable()
export class RefusalCountStore {
  constructor(private readonly db: BaofooDatabase) {}

  async write(counts: readonly RefusalCount[], samples: readonly RefusalSample[]): Promise<void> {
    const sampleRows = samples.map((s) => ({
      received_at: s.receivedAt,
      member_id: s.memberId,
      terminal_id: s.terminalId,
      trans_id: s.transId,
      source_ip: s.sourceIp,
      method: s.method,
      fields: s.fields,
      raw_body: s.rawBody,
      reason_code: s.reasonCode,
      reason: s.reason,
      http_status: s.httpStatus,
    }));
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
    await this.db.query(FLUSH_SQL, [rowsJson(sampleRows), rowsJson(countRows)]);
  }
}
