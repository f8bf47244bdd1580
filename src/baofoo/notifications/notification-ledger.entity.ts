import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { NotificationLedgerColumns } from './notification-ledger-columns.ts';

/** One row for every signed notification, accepted or refused, and the sampled unsigned refusals. */
@Entity({ name: 'baofoo_notification_ledger' })
@Index('baofoo_notification_ledger_trans_id', ['transId'])
@Index('baofoo_notification_ledger_received_at', ['receivedAt'])
@Index('baofoo_notification_ledger_mismatch', ['receivedAt'], { where: `"reason_code" = 'RECONCILIATION_MISMATCH'` })
export class NotificationLedgerEntity extends NotificationLedgerColumns {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
