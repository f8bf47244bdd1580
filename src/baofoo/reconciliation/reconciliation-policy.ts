import type { OrderStatus } from '../orders/order-status.ts';
import type { CheckResult } from '../protocol/result-codes.ts';
import type { Fen } from '../protocol/money.ts';

/**
 * The pure timing and judgement rules of reconciliation (docs/architecture/
 * reconciliation.md): when an order is asked about again, and what a P, N or a
 * disagreeing answer means. No I/O, no clock: every time is an argument.
 */

/** The gateway refuses a second query of one order within a minute (spec §4). */
export const MIN_QUERY_INTERVAL_SECONDS = 60;

/**
 * Slack for the time between reading the clock and the request leaving (and
 * for the gateway's clock): the minute is kept with this much to spare.
 */
export const SEND_MARGIN_SECONDS = 5;

/** Longest wait between two queries of a pending order. */
export const DEFAULT_MAX_BACKOFF_SECONDS = 1800;

export interface ReconciliationTimings {
  batchSize: number;
  concurrency: number;
  queryTimeoutMs: number;
  graceSeconds: number;
  maxAgeSeconds: number;
  maxBackoffSeconds: number;
}

const SECOND = 1000;
const plus = (t: Date, seconds: number) => new Date(t.getTime() + seconds * SECOND);

/**
 * How far a claim pushes `next_query_at`: a minute (and the margin), plus
 * the longest a batch can take to reach its last order (each slot runs its
 * share of the batch, each query at most the timeout). Until then no other
 * instance can claim the order, so its query is never sent within a minute of
 * another.
 */
export function leaseSeconds(t: Pick<ReconciliationTimings, 'batchSize' | 'concurrency' | 'queryTimeoutMs'>): number {
  const rounds = Math.ceil(Math.max(1, t.batchSize) / Math.max(1, t.concurrency));
  return MIN_QUERY_INTERVAL_SECONDS + SEND_MARGIN_SECONDS + Math.ceil((rounds * t.queryTimeoutMs) / SECOND);
}

/**
 * The last moment a claimed order may still be queried: another instance may
 * claim it when the lease ends, and its query must come a minute after ours.
 */
export function sendDeadline(claimedAt: Date, lease: number): Date {
  return plus(claimedAt, lease - MIN_QUERY_INTERVAL_SECONDS - SEND_MARGIN_SECONDS);
}

/** The wait after the n-th query (1-based): a minute, doubling, up to the cap, and never below a minute. */
export function backoffSeconds(attempt: number, maxBackoffSeconds = DEFAULT_MAX_BACKOFF_SECONDS): number {
  const cap = Math.max(MIN_QUERY_INTERVAL_SECONDS, maxBackoffSeconds);
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(cap, MIN_QUERY_INTERVAL_SECONDS * 2 ** Math.min(n - 1, 30));
}

/**
 * When to ask again after the n-th query, which ended (answer or error) at
 * `endedAt` — after the gateway received it, so a minute from then is a
 * minute from the gateway's point of view too: after the backoff, or earlier
 * when a deadline that changes the verdict (the grace time for N, the maximum
 * age) falls before it, yet never within a minute. `checkResult` is null when
 * the query brought no answer.
 */
export function nextQueryAt(endedAt: Date, attempt: number, orderedAt: Date, checkResult: CheckResult | null, t: ReconciliationTimings): Date {
  const earliest = plus(endedAt, MIN_QUERY_INTERVAL_SECONDS);
  const backoff = plus(endedAt, backoffSeconds(attempt, t.maxBackoffSeconds));
  const deadlines = [plus(orderedAt, t.maxAgeSeconds)];
  if (checkResult === 'N') deadlines.push(plus(orderedAt, t.graceSeconds));
  const sooner = deadlines.filter((d) => d >= earliest && d < backoff).sort((a, b) => a.getTime() - b.getTime());
  return sooner[0] ?? backoff;
}

export type PendingVerdict = { kind: 'later' } | { kind: 'expire'; reason: string } | { kind: 'review'; reason: string };

/**
 * What P (processing) or N (no such order) means for a PENDING order of this
 * age: wait, or give up. N is final only after the grace time (the shopper may
 * still be on the way to the gateway); past the maximum age a P goes to a
 * person (money may yet arrive) and an N expires.
 */
export function judgePending(checkResult: 'P' | 'N', orderedAt: Date, now: Date, t: Pick<ReconciliationTimings, 'graceSeconds' | 'maxAgeSeconds'>): PendingVerdict {
  const age = (now.getTime() - orderedAt.getTime()) / SECOND;
  if (age >= t.maxAgeSeconds) {
    return checkResult === 'N'
      ? { kind: 'expire', reason: `the gateway does not know the order ${Math.floor(age)} s after it was placed (maximum age ${t.maxAgeSeconds} s)` }
      : { kind: 'review', reason: `the gateway still reports the payment as processing ${Math.floor(age)} s after the order (maximum age ${t.maxAgeSeconds} s)` };
  }
  if (checkResult === 'N' && age >= t.graceSeconds) {
    return { kind: 'expire', reason: `the gateway does not know the order ${Math.floor(age)} s after it was placed (grace ${t.graceSeconds} s)` };
  }
  return { kind: 'later' };
}

/**
 * When to ask again about a REVIEW order awaiting money (the gateway said P at
 * the maximum age), after the n-th query ended at `endedAt`: after the backoff,
 * for one more maximum age (until twice the maximum age after the order);
 * null once no query fits in that window.
 */
export function reviewNextQueryAt(endedAt: Date, attempt: number, orderedAt: Date, t: Pick<ReconciliationTimings, 'maxAgeSeconds' | 'maxBackoffSeconds'>): Date | null {
  const until = plus(orderedAt, 2 * t.maxAgeSeconds);
  const next = plus(endedAt, backoffSeconds(attempt, t.maxBackoffSeconds));
  if (next <= until) return next;
  return plus(endedAt, MIN_QUERY_INTERVAL_SECONDS) <= until ? until : null;
}

export interface SettledFacts {
  status: Exclude<OrderStatus, 'PENDING'>;
  factMoney: Fen | null;
}

export interface AnswerFacts {
  checkResult: CheckResult;
  succMoney: Fen;
}

/**
 * What an answer means about an order the state machine did not change
 * (decide() is asked first: money for a FAILED, EXPIRED or money-awaiting
 * REVIEW order settles it):
 * - agrees: the gateway says what the order says;
 * - mismatch: it contradicts the order: raise it, change nothing;
 * - nothing: no money either way, or still processing for a REVIEW awaiting money, nothing to say.
 * `answerMayBeStale`: the order was still PENDING when the query went out and
 * was settled meanwhile; a P or N may predate that settlement and proves nothing.
 */
export type SettledReading = { kind: 'agrees' } | { kind: 'mismatch'; reason: string } | { kind: 'nothing' };

export function readSettled(order: SettledFacts, answer: AnswerFacts, answerMayBeStale: boolean): SettledReading {
  const { checkResult, succMoney } = answer;
  switch (order.status) {
    case 'PAID':
    case 'REVIEW':
      if (checkResult === 'Y') {
        return succMoney === order.factMoney
          ? { kind: 'agrees' }
          : { kind: 'mismatch', reason: `the gateway reports ${succMoney} fen paid; the ${order.status} order recorded ${order.factMoney ?? 'no amount'}` };
      }
      if (checkResult === 'F') return { kind: 'mismatch', reason: `the gateway reports the payment failed; the order is ${order.status}` };
      if (answerMayBeStale || (checkResult === 'P' && order.status === 'REVIEW' && order.factMoney === null)) return { kind: 'nothing' };
      return { kind: 'mismatch', reason: checkResult === 'P' ? `the gateway still reports the payment as processing; the order is ${order.status}` : `the gateway does not know the order; it is ${order.status}` };
    case 'FAILED':
    case 'EXPIRED':
      return checkResult === 'F' || (order.status === 'EXPIRED' && checkResult === 'N') ? { kind: 'agrees' } : { kind: 'nothing' };
  }
}
