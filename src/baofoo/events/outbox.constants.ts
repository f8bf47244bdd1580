/** The channel on which writers without a relay of their own wake the relays (`OutboxSignal`). */
export const OUTBOX_CHANNEL = 'baofoo_outbox';

/** Relay settings beyond `outbox` in the module options (`OutboxTuning`); override the provider to change them. */
export const BAOFOO_OUTBOX_TUNING = Symbol('BAOFOO_OUTBOX_TUNING');

export interface OutboxTuning {
  /** Most events one claim statement takes. */
  batchSize: number;
  /** Events being delivered at once by one relay; each finishes on its own, so a slow one holds only its own slot. */
  concurrency: number;
  /**
   * A claim keeps other relays off an event for this long, renewed every
   * third of it while the event's listeners run (`LeaseHeartbeat`), so a
   * listener may run up to its delivery `timeoutMs` whatever the lease. An event
   * whose relay died is claimed again at most this long after its last renewal.
   */
  leaseMs: number;
  /** On shutdown, how long deliveries in flight may finish before they are abandoned (their events go back to the queue at once). */
  shutdownGraceMs: number;
  /** Connections of the relay's own pool (claims, outcome records); notifications never wait for them. */
  connections: number;
  /** Wait before the first attempt to reconnect the LISTEN connection after it dropped; each further attempt waits twice as long, up to 30 s. */
  reconnectMs: number;
  /**
   * Least time between the starts of two claim passes, in ms. Under steady
   * load every commit wakes the relay, so without a gap it runs a pass
   * (claim, finish) per event; waiting
   * this long lets the events of the gap share one pass (issue 13: 20 ms cut
   * PostgreSQL's CPU by 38 % at 300 notifications/s) while adding at most
   * this much to the delivery lag, far inside the 1 s lag target.
   */
  minClaimGapMs: number;
  /**
   * How long the first finish of a quiet period waits before it is written,
   * in ms, so the finishes of the events delivered meanwhile share its
   * statement. The event's delivery slot is free meanwhile (it keeps its
   * lease); under load (a finish being written, a full batch) there is no wait.
   */
  finishLingerMs: number;
}

export const DEFAULT_OUTBOX_TUNING: OutboxTuning = {
  batchSize: 200,
  concurrency: 64,
  leaseMs: 10_000,
  shutdownGraceMs: 10_000,
  connections: 3,
  reconnectMs: 1000,
  minClaimGapMs: 20,
  finishLingerMs: 50,
};
