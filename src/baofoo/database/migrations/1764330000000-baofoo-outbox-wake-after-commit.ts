import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_NOTIFY_FUNCTION_SQL, OUTBOX_NOTIFY_TRIGGER_SQL } from './1764250000000-baofoo-event-delivery.ts';

/**
 * Drops the outbox's NOTIFY trigger. A transaction that NOTIFYs takes
 * PostgreSQL's cluster-wide notification lock at commit and holds it until
 * its commit record is flushed, so every settlement that wrote an event
 * waited for the WAL flushes of all the others, one after another (issue 13:
 * waits of 10–20 ms at 32 connections, and the flushes could no longer be
 * shared). Writers now wake the relays after their commit (`OutboxSignal`):
 * the relay of their own process directly, those of other processes with a
 * NOTIFY sent outside any transaction.
 */
export class BaofooOutboxWakeAfterCommit1764330000000 implements MigrationInterface {
  name = 'BaofooOutboxWakeAfterCommit1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS "baofoo_outbox_notify" ON "baofoo_outbox"`);
    await q.query(`DROP FUNCTION IF EXISTS "baofoo_outbox_notify"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_NOTIFY_FUNCTION_SQL);
    await q.query(OUTBOX_NOTIFY_TRIGGER_SQL);
  }
}
