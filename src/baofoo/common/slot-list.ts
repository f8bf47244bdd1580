/**
 * The members of a set with an entry added and removed per request or per
 * event, kept in a reused array instead of a `Set`.
 *
 * Why not a `Set`: V8 rebuilds a `Set`'s hash table as removed entries pile up,
 * and the table it leaves behind still points at its entries. Once that table
 * sits in the old generation, each scavenge until the next full collection
 * keeps those entries, and everything they reach, alive and promotes them. A
 * `Set` of open responses put ~2.5 KB of every notification into the old
 * generation (30 MB promoted, ~40 MB of RSS over 12,000 notifications), the
 * relay's `Set` of deliveries in flight another 7 MB (bench/RESULTS.md,
 * "Speed II: memory"). Here a removed member's slot is cleared and reused; the
 * array grows only with the peak number of members.
 */
export class SlotList<T> {
  private readonly slots: (T | undefined)[] = [];
  private readonly free: number[] = [];
  private count = 0;

  /** Adds a member; the slot returned removes it. */
  add(member: T): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.slots.length;
    this.slots[slot] = member;
    this.count += 1;
    return slot;
  }

  /** Removes the member `add` put in this slot; a slot already freed is left alone. */
  remove(slot: number): void {
    if (this.slots[slot] === undefined) return;
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.count -= 1;
  }

  get size(): number {
    return this.count;
  }

  /** The members now, in no particular order. */
  values(): T[] {
    return this.slots.filter((member): member is T => member !== undefined);
  }
}
