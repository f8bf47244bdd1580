import { rowsJson } from '../database/sql-params.ts';
import type { OutboxRow } from './outbox-row.ts';
import { claimedPayload, type ClaimedEvent } from './outbox-store.ts';

/** What the relay of this process offers the writers of this process (`OutboxSignal.attach`). */
export interface LocalRelay {
  /** Claims due events soon (the writers committed events it did not adopt). */
  wake(): void;
  /** Delivery slots granted (0 to `count`) to events about to be inserted leased to this relay. */
  reserve(count: number): number;
  /** Inserted leased events whose statement committed: delivered with no claim statement. */
  adopt(events: readonly ClaimedEvent[]): void;
  /** Granted slots whose events were not inserted. */
  giveBack(count: number): void;
  /** The lease of an event born claimed, in ms (the relay's claim lease). */
  readonly leaseMs: number;
}

/** An outbox row as a writer's statement returns it once inserted. */
export interface InsertedOutboxRow {
  outbox_id: string;
  event_id: string;
  order_id: string | null;
}

/**
 * Claim at birth, for one writer's statement: slots of the relay of this
 * process reserved right before the statement is built, the rows it carries
 * leased to that relay (the first ones, as many as slots), and, once the
 * statement has answered, the leased rows it inserted handed to the relay
 * and every other slot given back. Each slot comes back exactly once.
 *
 * A leased row whose statement failed may still have committed (the answer
 * was lost): its lease runs out and any relay claims it, the normal path.
 */
export class OutboxReservation {
  private readonly leased = new Map<string, OutboxRow>();
  private readonly startedAt = performance.now();
  private open = true;

  constructor(
    private readonly relay: LocalRelay,
    private readonly slots: number,
  ) {}

  /** `rows` as the statement inserts them: leased while reserved slots are left. */
  lease(rows: readonly OutboxRow[]): OutboxRow[] {
    return rows.map((row) => {
      if (this.leased.size >= this.slots) return row;
      // Written out: `{ ...row, lease_ms }` costs ~1.7 µs on Node 20 (a new hidden class per call), this 0.1.
      const born: OutboxRow = { event_id: row.event_id, type: row.type, order_id: row.order_id, trans_id: row.trans_id, payload: row.payload, lease_ms: this.relay.leaseMs };
      this.leased.set(row.event_id, born);
      return born;
    });
  }

  /** The statement committed, inserting `inserted`: the leased ones go to the relay; how many it took. */
  committed(inserted: readonly InsertedOutboxRow[]): number {
    if (!this.close()) return 0;
    const ageMs = performance.now() - this.startedAt;
    const adopted = inserted.flatMap((r): ClaimedEvent[] => {
      const row = this.leased.get(r.event_id);
      return row ? [bornEvent(r, row, ageMs)] : [];
    });
    this.relay.giveBack(this.slots - adopted.length);
    if (adopted.length > 0) this.relay.adopt(adopted);
    return adopted.length;
  }

  /** The statement failed: every slot goes back. */
  failed(): void {
    if (this.close()) this.relay.giveBack(this.slots);
  }

  private close(): boolean {
    const wasOpen = this.open;
    this.open = false;
    return wasOpen;
  }
}

/** The event a leased row carries, as the relay's claim would have read it back (first claim). */
function bornEvent(inserted: InsertedOutboxRow, row: OutboxRow, ageMs: number): ClaimedEvent {
  // Through JSON, as the database would give it back: what a listener gets does not depend on the path.
  const payload = JSON.parse(rowsJson(row.payload)) as Record<string, unknown>;
  return {
    id: inserted.outbox_id,
    eventId: row.event_id,
    type: row.type,
    payload: claimedPayload({ event_id: row.event_id, type: row.type, order_id: inserted.order_id, trans_id: row.trans_id, payload }),
    claims: 1,
    ageMs,
  };
}
