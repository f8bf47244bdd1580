import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Requests refused before a signature verified, counted per window, source
 * and reason: an outsider's flood adds one row per window instead of one per
 * request. The first refusals of each source are also kept whole in the
 * ledger as samples (verdict `rejected`).
 */
@Entity({ name: 'baofoo_refusal_counts' })
export class RefusalCountEntity {
  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;

  /** The client IP, or `*` for sources beyond `refusals.maxSources`. */
  @PrimaryColumn({ name: 'source_ip', type: 'varchar', length: 64 })
  sourceIp!: string;

  @PrimaryColumn({ name: 'reason_code', type: 'varchar', length: 64 })
  reasonCode!: string;

  @Column({ type: 'bigint' })
  count!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'sample_method', type: 'varchar', length: 8 })
  sampleMethod!: string;

  /** The first characters of the first refused request of the row. */
  @Column({ name: 'sample_body', type: 'text' })
  sampleBody!: string;
}
