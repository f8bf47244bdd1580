import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';

/*
 * One atomic statement per grant: the row lock of the (merchant, minute) row
 * orders concurrent instances, each SET reads the row as the previous grant
 * left it, and last_grant carries this grant back through RETURNING. Rows
 * older than an hour are dropped on the way, so the table stays small.
 * A minute already used beyond this instance's cap (another instance with a
 * higher one, a cap lowered in a rolling deploy) grants nothing and keeps its
 * count: a negative grant would become a negative LIMIT and fail the tick.
 */
const TAKE_SQL = `WITH purged AS (DELETE FROM baofoo_query_budget WHERE member_id = $1 AND minute_start < $2::timestamptz - interval '1 hour')
  INSERT INTO baofoo_query_budget AS b (member_id, minute_start, used, last_grant)
  VALUES ($1, $2::timestamptz, LEAST($3::int, $4::int), LEAST($3::int, $4::int))
  ON CONFLICT (member_id, minute_start) DO UPDATE
    SET used = GREATEST(b.used, LEAST(b.used + $3::int, $4::int)), last_grant = GREATEST(LEAST(b.used + $3::int, $4::int) - b.used, 0)
  RETURNING last_grant AS granted`;

const GIVE_BACK_SQL = `WITH returned AS (UPDATE baofoo_query_budget SET used = GREATEST(used - $3::int, 0)
   WHERE member_id = $1 AND minute_start = $2::timestamptz RETURNING used)
  SELECT used FROM returned`;

/** The start of the clock minute `at` falls in: budgets are per calendar minute of the module clock. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/** The per-merchant, per-minute query budget in PostgreSQL, shared by all instances. */
@Injectable()
export class QueryBudgetStore {
  constructor(private readonly db: BaofooDatabase) {}

  /** Takes up to `wanted` queries of `memberId`'s budget for the minute of `at` (cap `perMinute`); returns how many it got. */
  async take(memberId: string, at: Date, wanted: number, perMinute: number): Promise<number> {
    if (wanted <= 0) return 0;
    const rows: { granted: number }[] = await this.db.query(TAKE_SQL, [memberId, minuteOf(at), wanted, perMinute]);
    return rows[0].granted;
  }

  /** Gives back queries taken but not sent (fewer orders were due than granted). */
  async giveBack(memberId: string, at: Date, unused: number): Promise<void> {
    if (unused > 0) await this.db.query(GIVE_BACK_SQL, [memberId, minuteOf(at), unused]);
  }
}
