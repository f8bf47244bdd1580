import type { OnModuleDestroy } from '@nestjs/common';
import type pg from 'pg';
import type { BaofooEvent } from '../../baofoo/events/baofoo-events.ts';

/**
 * The consumer's own record of what it received: one row per AMQP message-id,
 * which the bridge sets to the event's `eventId`. The primary key is the
 * deduplication: a second copy of a message (the broker redelivering after a
 * lost ack, the bridge publishing again after a crash between the broker's
 * confirm and its own record) inserts nothing.
 */
export const RECEIVED_EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS received_baofoo_events (
  message_id  text PRIMARY KEY,
  type        text NOT NULL,
  trans_id    text,
  payload     jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`;

export class ReceivedEventsStore implements OnModuleDestroy {
  constructor(private readonly pool: pg.Pool) {}

  async createTable(): Promise<void> {
    await this.pool.query(RECEIVED_EVENTS_TABLE);
  }

  /**
   * Records the event unless a message with this id was recorded before:
   * true the first time, false for a copy. One statement, so it is atomic;
   * an app whose handling writes more (an order marked paid, a ledger line)
   * does those writes in the same transaction as this INSERT, and only when
   * it inserted a row.
   */
  async recordOnce(messageId: string, event: BaofooEvent): Promise<boolean> {
    const inserted = await this.pool.query(
      `INSERT INTO received_baofoo_events (message_id, type, trans_id, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO NOTHING`,
      [messageId, event.type, event.transId, JSON.stringify(event)],
    );
    return inserted.rowCount === 1;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
