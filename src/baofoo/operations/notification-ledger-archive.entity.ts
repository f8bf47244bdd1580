import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Ledger rows of past months moved out of `baofoo_notification_ledger` by
 * `HousekeepingService.archiveLedgerMonth`: the same columns and ids, nothing
 * rewritten, so the audit trail reads the same from either table. The
 * columns twin NotificationLedgerEntity's on purpose (inheriting them would
 * inherit its identity id and index names too); the archive test compares
 * whole rows, so a column added to the ledger and not here fails it.
 */
@Entity({ name: 'baofoo_notification_ledger_archive' })
@Index('baofoo_notification_ledger_archive_trans_id', ['transId'])
@Index('baofoo_notification_ledger_archive_received_at', ['receivedAt'])
export class NotificationLedgerArchiveEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'order_id', type: 'bigint', nullable: true })
  orderId!: string | null;

  @Column({ name: 'member_id', type: 'varchar', length: 64, nullable: true })
  memberId!: string | null;

  @Column({ name: 'terminal_id', type: 'varchar', length: 64, nullable: true })
  terminalId!: string | null;

  @Column({ name: 'trans_id', type: 'varchar', length: 64, nullable: true })
  transId!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64 })
  sourceIp!: string;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  @Column({ type: 'jsonb', nullable: true })
  fields!: Record<string, string> | null;

  @Column({ name: 'raw_body', type: 'text' })
  rawBody!: string;

  @Column({ type: 'varchar', length: 16 })
  verdict!: string;

  @Column({ name: 'reason_code', type: 'varchar', length: 64, nullable: true })
  reasonCode!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'key_id', type: 'varchar', length: 64, nullable: true })
  keyId!: string | null;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16, nullable: true })
  toStatus!: string | null;

  @Column({ name: 'http_status', type: 'integer' })
  httpStatus!: number;
}
