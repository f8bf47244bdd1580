import { Inject, Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { OutboxRelay } from './outbox-relay.service.ts';
import { OLDEST_UNDELIVERED_AGE_MS_SQL, UNDELIVERED_COUNT_SQL } from './outbox-store.ts';

/** The outbox as a health check sees it. */
export interface OutboxHealth {
  /** Events not yet delivered to every listener (including those waiting out a retry backoff). */
  pending: number;
  /** Age of the oldest of them, on the database clock; null when none. */
  oldestPendingAgeMs: number | null;
  /** Listener deliveries that gave up and wait for an ops replay. */
  deadLetters: number;
  /** p99 commit→listener lag of this process's recent first deliveries; null before any. */
  lagP99Ms: number | null;
  /** Whether this process runs a relay, and whether NOTIFY wake-ups reach it. */
  relay: { running: boolean; listening: boolean };
}

/** Reads the outbox's backlog and dead letters, for a terminus indicator or an ops page. */
@Injectable()
export class OutboxMonitor {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(BaofooDatabase) private readonly db: BaofooDatabase,
  ) {}

  async snapshot(): Promise<OutboxHealth> {
    const rows = await this.db.query<{ pending: number; oldest_ms: number | null; dead: number }>(
      `SELECT (${UNDELIVERED_COUNT_SQL}) AS pending,
              (${OLDEST_UNDELIVERED_AGE_MS_SQL}) AS oldest_ms,
              (SELECT count(*) FROM baofoo_event_deliveries WHERE status = 'dead')::int AS dead`,
    );
    const r = rows[0];
    return {
      pending: r.pending,
      oldestPendingAgeMs: r.oldest_ms,
      deadLetters: r.dead,
      lagP99Ms: this.relay.lagP99Ms(),
      relay: this.relay.state,
    };
  }
}
