import { Column } from 'typeorm';
import type { NotificationVerdict } from './notification-verdict.ts';

/**
 * The columns of a ledger row after its id and time, shared by the ledger and
 * its archive (`baofoo_notification_ledger_archive`), which must hold the same
 * rows. Each table declares its own id, time and indexes: an abstract class
 * without @Entity passes on its columns only.
 */
export abstract class NotificationLedgerColumns {
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

  /** The parsed fields and extras as received (JSON object), or null when unparseable. */
  @Column({ type: 'jsonb', nullable: true })
  fields!: Record<string, string> | null;

  /** The raw body or query string, cut to the configured limit. */
  @Column({ name: 'raw_body', type: 'text' })
  rawBody!: string;

  @Column({ type: 'varchar', length: 16 })
  verdict!: NotificationVerdict;

  @Column({ name: 'reason_code', type: 'varchar', length: 64, nullable: true })
  reasonCode!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The id (never the value) of the key that verified the signature. */
  @Column({ name: 'key_id', type: 'varchar', length: 64, nullable: true })
  keyId!: string | null;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16, nullable: true })
  toStatus!: string | null;

  @Column({ name: 'http_status', type: 'integer' })
  httpStatus!: number;
}
