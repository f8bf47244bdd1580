import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { NotificationLedgerColumns } from '../notifications/notification-ledger-columns.ts';

/**
 * Ledger rows of past months moved out of `baofoo_notification_ledger` by
 * `HousekeepingService.archiveLedgerMonth`: the same columns and ids, nothing
 * rewritten, so the audit trail reads the same from either table. The id is
 * the ledger's, not a new identity; the indexes are the archive's own.
 */
@Entity({ name: 'baofoo_notification_ledger_archive' })
@Index('baofoo_notification_ledger_archive_trans_id', ['transId'])
@Index('baofoo_notification_ledger_archive_received_at', ['receivedAt'])
export class NotificationLedgerArchiveEntity extends NotificationLedgerColumns {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
