import { Injectable, Logger } from '@nestjs/common';
import { BaofooDatabase } from '../baofoo/database/baofoo-database.ts';

export interface Fulfilment {
  eventId: string;
  transId: string;
  fulfilledAt: string;
  /** Why the order was held for a person instead of shipped (e.g. a partial payment); null when shipped. */
  heldReason: string | null;
}

/**
 * Ships a paid order, or holds it for a person when `heldReason` is given (a
 * partial prepaid-card payment must not ship as if paid in full). Idempotent:
 * the unique keys of `demo_fulfilments` make a second call a no-op. The row is
 * written through the module's database, whose `query` resolves only once the
 * statement is known to be committed: the listener never reports a fulfilment
 * that a lost transaction took back, so its delivery record and its effect
 * cannot disagree.
 */
@Injectable()
export class FulfilmentService {
  private readonly logger = new Logger('DemoFulfilment');

  constructor(private readonly db: BaofooDatabase) {}

  /** True when this call fulfilled the order; false when the event or the order was already handled. */
  async fulfil(eventId: string, transId: string, heldReason: string | null = null): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO demo_fulfilments (event_id, trans_id, held_reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [eventId, transId, heldReason],
    );
    if (rows.length > 0 && heldReason) this.logger.warn(`order ${transId} held for follow-up, not shipped: ${heldReason} (event ${eventId})`);
    else if (rows.length > 0) this.logger.log(`order ${transId} fulfilled (event ${eventId})`);
    return rows.length > 0;
  }

  async forOrder(transId: string): Promise<Fulfilment[]> {
    const rows = await this.db.query<{ event_id: string; trans_id: string; fulfilled_at: Date; held_reason: string | null }>(
      'SELECT event_id, trans_id, fulfilled_at, held_reason FROM demo_fulfilments WHERE trans_id = $1 ORDER BY id',
      [transId],
    );
    return rows.map((r) => ({ eventId: r.event_id, transId: r.trans_id, fulfilledAt: r.fulfilled_at.toISOString(), heldReason: r.held_reason }));
  }
}
