import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event written in the same transaction as the order change it reports,
 * so it cannot be lost between the commit and the emit. The relay delivers it.
 * Write rows with `outboxRow(baofooEvent(…))` (or `outboxEntry`), then wake
 * the relays after the commit with `OutboxSignal.committed()`.
 */
@Entity({ name: 'baofoo_outbox' })
@Index('baofoo_outbox_event_id', ['eventId'], { unique: true })
@Index('baofoo_outbox_due', ['nextAttemptAt', 'id'], { where: '"delivered_at" IS NULL' })
// One anomaly per order and reason, and one AdditionalInfo flag per order, however many copies replay them: an expression index
// (migrations 1764310000000 and 1764340000000), which TypeORM cannot describe.
@Index('baofoo_outbox_anomaly_once', { synchronize: false })
@Index('baofoo_outbox_delivered', ['deliveredAt'], { where: '"delivered_at" IS NOT NULL' })
@Index('baofoo_outbox_order_id', ['orderId'])
@Index('baofoo_outbox_unbridged', ['id'], { where: '"bridged_at" IS NULL' })
export class OutboxEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** Stable id listeners dedupe on. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'order_id', type: 'bigint', nullable: true })
  orderId!: string | null;

  @Column({ name: 'trans_id', type: 'varchar', length: 64, nullable: true })
  transId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** Set once every listener has it (or it was dead-lettered). */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /**
   * When a relay may claim it next: at once for a new event; while a relay
   * delivers it, the end of that relay's lease; later while a listener waits
   * out its backoff.
   */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /**
   * Listeners delivered at their first call, with no `baofoo_event_deliveries`
   * row: named by the statement that finished the event (null until then).
   * The other outcomes (failures, retries, dead letters, those settled before
   * the finish) are rows.
   */
  @Column({ name: 'first_try_listeners', type: 'varchar', length: 200, array: true, nullable: true })
  firstTryListeners!: string[] | null;

  /** Times a relay claimed this event (a claim whose relay died counts too). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Set once the RabbitMQ bridge's broker confirmed the event (`BaofooBridgeModule`); null until then, and for good without a bridge. */
  @Column({ name: 'bridged_at', type: 'timestamptz', nullable: true })
  bridgedAt!: Date | null;

  /** When a bridge may claim it next: the bridge's own lease, apart from the relay's `nextAttemptAt`. */
  @Column({ name: 'bridge_next_at', type: 'timestamptz', default: () => 'now()' })
  bridgeNextAt!: Date;

  /** Times a bridge claimed this event: the token each of its writes names. */
  @Column({ name: 'bridge_claims', type: 'integer', default: 0 })
  bridgeClaims!: number;
}
