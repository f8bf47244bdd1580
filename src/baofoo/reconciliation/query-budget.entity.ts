import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Order queries granted per merchant and clock minute, shared by every
 * instance: the gateway "does not accept frequent queries" (spec §3.2.1), so
 * `reconciliation.maxQueriesPerMinute` caps them across the deployment.
 */
@Entity({ name: 'baofoo_query_budget' })
export class QueryBudgetEntity {
  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 20 })
  memberId!: string;

  @PrimaryColumn({ name: 'minute_start', type: 'timestamptz' })
  minuteStart!: Date;

  /** Queries granted in the minute (tokens not used are given back). */
  @Column({ type: 'integer' })
  used!: number;

  /** What the latest grant gave, read back by the statement that made it. */
  @Column({ name: 'last_grant', type: 'integer' })
  lastGrant!: number;
}
