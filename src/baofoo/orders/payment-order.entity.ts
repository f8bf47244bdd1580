import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { fenColumn } from '../database/bigint-money.transformer.ts';
import type { Fen } from '../protocol/money.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';

/**
 * A payment order. State changes never go through `save()` (it does not check
 * the version): the repository issues one conditional UPDATE on id, version
 * and allowed prior states, and reads the affected-row count.
 */
@Entity({ name: 'baofoo_payment_orders' })
// TransID first: the same index serves the lookups by TransID alone.
@Index('baofoo_payment_orders_merchant_trans_id', ['transId', 'memberId'], { unique: true })
@Index('baofoo_payment_orders_due_query', ['nextQueryAt'], { where: `"status" IN ('PENDING', 'REVIEW')` })
@Index('baofoo_payment_orders_status_updated', ['status', 'updatedAt'], { where: `"status" IN ('PENDING', 'REVIEW')` })
@Index('baofoo_payment_orders_created_at', ['createdAt'])
@Check('baofoo_payment_orders_status', `"status" IN ('PENDING', 'PAID', 'FAILED', 'REVIEW', 'EXPIRED')`)
@Check('baofoo_payment_orders_money', `"order_money" > 0 AND ("fact_money" IS NULL OR "fact_money" >= 0)`)
export class PaymentOrderEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'member_id', type: 'varchar', length: 20 })
  memberId!: string;

  @Column({ name: 'terminal_id', type: 'varchar', length: 20 })
  terminalId!: string;

  @Column({ name: 'trans_id', type: 'varchar', length: 20 })
  transId!: string;

  @Column({ name: 'pay_id', type: 'varchar', length: 10 })
  payId!: string;

  @Column({ name: 'trade_date', type: 'varchar', length: 14 })
  tradeDate!: string;

  @Column({ name: 'order_money', type: 'bigint', transformer: fenColumn })
  orderMoney!: Fen;

  @Column({ name: 'fact_money', type: 'bigint', nullable: true, transformer: fenColumn })
  factMoney!: Fen | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatus;

  @VersionColumn({ type: 'integer' })
  version!: number;

  @Column({ name: 'product_name', type: 'varchar', length: 64, default: '' })
  productName!: string;

  @Column({ name: 'additional_info', type: 'varchar', length: 128, default: '' })
  additionalInfo!: string;

  @Column({ name: 'page_url', type: 'varchar', length: 1024 })
  pageUrl!: string;

  @Column({ name: 'return_url', type: 'varchar', length: 255 })
  returnUrl!: string;

  @Column({ name: 'result_desc', type: 'varchar', length: 8, nullable: true })
  resultDesc!: string | null;

  @Column({ name: 'succ_time', type: 'varchar', length: 14, nullable: true })
  succTime!: string | null;

  @Column({ name: 'settled_by', type: 'varchar', length: 16, nullable: true })
  settledBy!: SettlementSource | null;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  @Column({ name: 'review_reason', type: 'text', nullable: true })
  reviewReason!: string | null;

  @Column({ name: 'next_query_at', type: 'timestamptz', nullable: true })
  nextQueryAt!: Date | null;

  @Column({ name: 'query_attempts', type: 'integer', default: 0 })
  queryAttempts!: number;

  @Column({ name: 'last_query_at', type: 'timestamptz', nullable: true })
  lastQueryAt!: Date | null;

  @Column({ name: 'last_check_result', type: 'varchar', length: 32, nullable: true })
  lastCheckResult!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
