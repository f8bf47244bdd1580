import type { CheckResult } from '../baofoo/protocol/index.ts';

/**
 * Everything the sandbox received and sent, in order, in memory. Tests read it
 * (programmatic API, `GET /_sandbox/records`) and wait on it: every `waitFor`
 * looks at what already happened, then at what comes next, so nothing is
 * missed and nothing is polled.
 */
interface RecordBase {
  /** 1, 2, 3… in the order things happened. */
  seq: number;
  /** Wall-clock time of the record (ISO 8601), for durations and ordering. */
  at: string;
}

/** A form POSTed to /payindex, accepted or refused. */
export interface PayindexRecord extends RecordBase {
  type: 'payindex';
  accepted: boolean;
  status: number;
  memberId: string;
  terminalId: string;
  transId: string;
  /** The form as received (Signature included; the key is never in it). */
  fields: Readonly<Record<string, string>>;
  error?: { code: string; message: string };
}

/** The decision for a payment: from the cashier page, the API, or a silent settlement. */
export interface OutcomeRecord extends RecordBase {
  type: 'outcome';
  memberId: string;
  transId: string;
  result: 'paid' | 'failed' | 'abandoned';
  via: 'cashier' | 'api' | 'settle';
  payId: string;
  factMoney: number;
  resultDesc: string;
  /** Whether a notification was (or will be) sent for it. */
  notified: boolean;
}

export type DeliveryKind = 'result' | 'out-of-order' | 'resend';

/** One HTTP request to ReturnUrl (one copy of one attempt of one delivery). */
export interface NotificationRecord extends RecordBase {
  type: 'notification';
  deliveryId: number;
  kind: DeliveryKind;
  memberId: string;
  transId: string;
  /** 1-based attempt number within the delivery. */
  attempt: number;
  /** 1-based copy number (the `duplicates` fault sends several at once). */
  copy: number;
  method: 'POST' | 'GET';
  url: string;
  charset: string;
  /** The form body (POST) or query string (GET) exactly as sent. */
  body: string;
  /** The fields it carried (after faults). */
  fields: Readonly<Record<string, string>>;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** HTTP status of the answer; null when no answer came (refused, timed out). */
  status: number | null;
  /** The answer text (first 2000 characters). */
  responseText: string | null;
  /** Whether the answer counts as received (`OK` within the first five characters after leading spaces). */
  acknowledged: boolean;
  error: string | null;
}

/** The end of one delivery: answered OK, gave up after the schedule, dropped by a fault, or cut by stop(). */
export interface DeliveryRecord extends RecordBase {
  type: 'delivery';
  deliveryId: number;
  kind: DeliveryKind;
  memberId: string;
  transId: string;
  outcome: 'delivered' | 'gave-up' | 'dropped' | 'cancelled';
  attempts: number;
  fields: Readonly<Record<string, string>>;
}

/** The shopper's browser sent back to PageUrl (by a redirect, or visited by the sandbox for `pay(…, { browser: true })`). */
export interface BrowserReturnRecord extends RecordBase {
  type: 'browser-return';
  memberId: string;
  transId: string;
  via: 'redirect' | 'api';
  url: string;
  /** The page's status when the sandbox visited it; null for a redirect handed to a real browser. */
  status: number | null;
  error: string | null;
}

/** One POST to /order/query and the answer. */
export interface QueryRecord extends RecordBase {
  type: 'query';
  memberId: string;
  terminalId: string;
  transId: string;
  fields: Readonly<Record<string, string>>;
  status: number;
  answer: string;
  /** Set when the seven-field answer was sent. */
  checkResult?: CheckResult;
  /** Why the query got an error text instead. */
  refused?: string;
  /** Which query fault shaped the answer. */
  fault?: 'delay' | 'status' | 'garbage';
}

export type SandboxRecord = PayindexRecord | OutcomeRecord | NotificationRecord | DeliveryRecord | BrowserReturnRecord | QueryRecord;
export type SandboxRecordType = SandboxRecord['type'];
type Unstamped<R> = R extends SandboxRecord ? Omit<R, 'seq' | 'at'> : never;
export type NewRecord = Unstamped<SandboxRecord>;

export interface RecordFilter {
  type?: SandboxRecordType;
  transId?: string;
  memberId?: string;
}

interface Waiter {
  predicate: (r: SandboxRecord) => boolean;
  resolve: (r: SandboxRecord) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  what: string;
}

export function matches(record: SandboxRecord, filter: RecordFilter): boolean {
  return (
    (filter.type === undefined || record.type === filter.type) &&
    (filter.transId === undefined || record.transId === filter.transId) &&
    (filter.memberId === undefined || record.memberId === filter.memberId)
  );
}

function freeze<R extends SandboxRecord>(record: R): R {
  for (const v of Object.values(record)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(record);
}

export class Recorder {
  private readonly items: SandboxRecord[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(r: SandboxRecord) => void>();
  private closed = false;

  add<R extends NewRecord>(record: R): R & RecordBase {
    const stamped = freeze({ ...record, seq: this.items.length + 1, at: new Date().toISOString() } as SandboxRecord);
    this.items.push(stamped);
    for (const w of [...this.waiters]) {
      if (w.predicate(stamped)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(stamped);
      }
    }
    for (const listener of this.listeners) listener(stamped);
    return stamped as unknown as R & RecordBase;
  }

  list(filter: RecordFilter = {}): SandboxRecord[] {
    return this.items.filter((r) => matches(r, filter));
  }

  subscribe(listener: (r: SandboxRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first record, past or future, that satisfies the predicate. */
  waitFor<R extends SandboxRecord>(predicate: (r: SandboxRecord) => r is R, timeoutMs: number, what: string): Promise<R>;
  waitFor(predicate: (r: SandboxRecord) => boolean, timeoutMs: number, what: string): Promise<SandboxRecord>;
  waitFor(predicate: (r: SandboxRecord) => boolean, timeoutMs: number, what: string): Promise<SandboxRecord> {
    const past = this.items.find(predicate);
    if (past) return Promise.resolve(past);
    if (this.closed) return Promise.reject(new Error(`sandbox stopped while waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        what,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending wait: the sandbox is stopping. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`sandbox stopped while waiting for ${w.what}`));
    }
    this.waiters.clear();
    this.listeners.clear();
  }
}
