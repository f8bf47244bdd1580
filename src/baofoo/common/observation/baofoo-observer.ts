/*
 * The engine's observation points. The services call them at the places they
 * name; metrics and tracing implement them (BaofooOperationsModule installs
 * them), and the engine never imports either. The shapes below are the few
 * fields an observer reads, so nothing here depends on the folders that call it.
 */

/** A ledger row as an observer sees it. */
export interface ObservedLedgerRow {
  readonly transId: string | null;
  readonly method: string;
  readonly verdict: string;
  readonly reasonCode: string | null;
  readonly toStatus: string | null;
}

/** An outbox event as an observer sees it. */
export interface ObservedEvent {
  readonly event_id: string;
  readonly type: string;
}

/** What one order query led to, as an observer sees it. */
export interface ObservedQueryOutcome {
  readonly kind: string;
}

/** The statements that write every ledger row and every event. */
export type SettlementStatement = 'transition' | 'settlePending' | 'record';

/**
 * Where the module reports what it does. A method that takes a function is a
 * scope: it runs that function once, returns (or throws) what it did, and may
 * time or trace around it. The rest are facts. Observers see only what the
 * arguments already hold: the services compute nothing for them, so the
 * no-op (`NO_OBSERVER`) costs a call.
 */
export interface BaofooObserver {
  /** A verified notification (its fields), handled by `handle` until its answer is committed. */
  notification<A extends { readonly status: number }>(fields: { readonly TransID?: string; readonly MemberID?: string }, handle: () => Promise<A>): Promise<A>;
  /** A request refused before a signature verified: counted in memory, never a ledger row of its own. */
  refusedUnverified(reasonCode: string): void;
  /** One settlement statement; `write` resolves true when it wrote `ledger` (when not null) and `events`. */
  settlementStatement(statement: SettlementStatement, ledger: ObservedLedgerRow | null, events: readonly ObservedEvent[], write: () => Promise<boolean>): Promise<boolean>;
  /** One reconciliation tick: the orders it claimed and what each query led to. */
  reconciliationRun<R extends { readonly claimed: number; readonly outcomes: readonly ObservedQueryOutcome[] }>(run: () => Promise<R>): Promise<R>;
  /** One on-demand order query (`ReconciliationService.reconcile`). */
  orderReconciled<O extends ObservedQueryOutcome>(transId: string, reconcile: () => Promise<O>): Promise<O>;
  /** One order query sent to the gateway; it throws the error that says why there is no answer. */
  gatewayQuery<T>(target: { readonly transId: string; readonly memberId: string }, query: () => Promise<T>): Promise<T>;
  /** One pass of the outbox relay (claim, deliveries started, finish). */
  relayPass(pass: () => Promise<void>): Promise<void>;
  /** One batch of `events` published to the broker by the RabbitMQ bridge; `publish` resolves once the broker confirmed all of them. */
  bridgeBatch(events: number, publish: () => Promise<void>): Promise<void>;
}

/** The observer when metrics and tracing are off: every scope just runs its work. */
export const NO_OBSERVER: BaofooObserver = {
  notification: (_fields, handle) => handle(),
  refusedUnverified: () => undefined,
  settlementStatement: (_statement, _ledger, _events, write) => write(),
  reconciliationRun: (run) => run(),
  orderReconciled: (_transId, reconcile) => reconcile(),
  gatewayQuery: (_target, query) => query(),
  relayPass: (pass) => pass(),
  bridgeBatch: (_events, publish) => publish(),
};
