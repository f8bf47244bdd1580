import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Where one listener stands with one event. */
export type EventDeliveryStatus = 'delivered' | 'failed' | 'dead';

/**
 * One listener's record of one event, so a failing listener is retried alone
 * and one that succeeded is not run again. Written by the relay in the
 * transaction that holds the event's row lock.
 */
@Entity({ name: 'baofoo_event_deliveries' })
@Index('baofoo_event_deliveries_event_listener', ['eventId', 'listener'], { unique: true })
@Index('baofoo_event_deliveries_dead', ['deadAt'], { where: `"status" = 'dead'` })
@Check('baofoo_event_deliveries_status', `"status" IN ('delivered', 'failed', 'dead')`)
export class EventDeliveryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  /** `ClassName.methodName` or the listener's `listenerId`. */
  @Column({ type: 'varchar', length: 200 })
  listener!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: EventDeliveryStatus;

  /** Attempts since the record was created or last replayed. */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** When a failed delivery is tried again. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', default: () => 'now()' })
  firstAttemptAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', default: () => 'now()' })
  lastAttemptAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt!: Date | null;

  /** How many times ops replayed it from the dead letters. */
  @Column({ type: 'integer', default: 0 })
  replays!: number;
}
