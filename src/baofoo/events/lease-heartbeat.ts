import type { Logger } from '@nestjs/common';
import { describeFailure } from './listener-call.ts';
import type { EventClaim } from './outbox-store.ts';

/**
 * Keeps a relay's claims alive while their listeners run: every `everyMs`
 * one statement (`renew`) moves the lease of every claim held to a full lease
 * from now. So the lease can be short (a dead relay's events come back in
 * seconds) while a listener may run as long as its timeout. A claim the
 * renewal no longer finds current (the lease ran out while the database was
 * out of reach, and another relay claimed the event) is dropped and reported
 * through `lost`: the relay finishes its own calls, and its later writes to the
 * event change nothing.
 */
export class LeaseHeartbeat {
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly renew: (claims: EventClaim[]) => Promise<Set<string>>,
    private readonly everyMs: number,
    private readonly lost: (ids: ReadonlySet<string>) => void,
    private readonly logger: Logger,
  ) {}

  hold(claim: EventClaim): void {
    this.held.set(claim.id, claim.claims);
    if (this.timer) return;
    this.timer = setInterval(() => this.beat(), this.everyMs);
    this.timer.unref();
  }

  drop(id: string): void {
    this.held.delete(id);
    if (this.held.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Stops renewing a claim about to be finished, once a renewal under way (which may name it) has ended.
   * The finish is then the last write to the claim's lease: a renewal landing after it would report a
   * finished event as lost, or move an unfinished event's retry time to a lease from now.
   */
  async release(id: string): Promise<void> {
    this.drop(id);
    await this.beating;
  }

  /** Ends the beats (after the relay let go of its claims); waits for a renewal under way. */
  async stop(): Promise<void> {
    this.held.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
  }

  private beat(): void {
    // A renewal still waiting for the database is not joined by another one: the next beat tries again.
    if (this.beating || this.held.size === 0) return;
    const sent = new Map(this.held);
    const claims = [...sent].map(([id, claims]) => ({ id, claims }));
    this.beating = this.renew(claims)
      .then(
        (gone) => {
          if (this.failing) this.logger.log('outbox lease renewals are back');
          this.failing = false;
          // Only a claim still held as renewed: one dropped or claimed anew meanwhile is not this beat's to judge.
          const lost = new Set([...gone].filter((id) => this.held.get(id) === sent.get(id)));
          for (const id of lost) this.held.delete(id);
          if (lost.size > 0) this.lost(lost);
        },
        (e: unknown) => {
          if (!this.failing) this.logger.warn(`could not renew the leases of ${claims.length} event(s) in delivery (another relay may take them when they run out): ${describeFailure(e, 300)}`);
          this.failing = true;
        },
      )
      .finally(() => {
        this.beating = null;
      });
  }
}
