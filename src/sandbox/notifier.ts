import { setTimeout as delay } from 'node:timers/promises';
import { renderForm, type BaofooCharset } from '../baofoo/protocol/index.ts';
import { appendQuery, describeFetchError } from './http.util.ts';
import type { DeliveryKind, DeliveryRecord, NotificationRecord, Recorder } from './recorder.ts';
import { logText } from '../baofoo/protocol/log-text.ts';

/**
 * Server-to-server delivery of a payment result to ReturnUrl: attempts on the
 * retry schedule until one is acknowledged, each attempt possibly in several
 * concurrent copies (the `duplicates` fault). Every request is recorded.
 */

/** The gateway's rule: leading spaces stripped, `OK` within the first five characters. */
export function isAcknowledged(text: string): boolean {
  return text.replace(/^ +/, '').slice(0, 5).includes('OK');
}

export interface DeliveryTarget {
  memberId: string;
  transId: string;
  returnUrl: string;
  method: 'POST' | 'GET';
  charset: BaofooCharset;
}

export interface DeliveryOptions {
  kind: DeliveryKind;
  /** Copies of every attempt sent at once (1 = normal). */
  duplicates: number;
  /** Extra wait before the schedule starts (delay fault, after-browser timing). */
  initialDelayMs: number;
  /** The drop fault: record the delivery as dropped and send nothing. */
  drop: boolean;
}

export interface DeliveryReport {
  deliveryId: number;
  kind: DeliveryKind;
  memberId: string;
  transId: string;
  outcome: DeliveryRecord['outcome'];
  /** Every request of the delivery, in the order they finished. */
  attempts: NotificationRecord[];
}

export interface Delivery {
  readonly id: number;
  /** Settles when the first attempt (all its copies) has been answered or failed, or the delivery ended without one. */
  readonly firstAttempt: Promise<void>;
  /** Settles when the delivery ends; never rejects. */
  readonly done: Promise<DeliveryReport>;
}

export interface NotifierSettings {
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  /** Send `; charset=…` on the Content-Type of a POST. */
  labelCharset: boolean;
  recorder: Recorder;
  log: (line: string) => void;
}

const MAX_RESPONSE_TEXT = 2000;

export class Notifier {
  private nextId = 1;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly settings: NotifierSettings) {}

  /** Waits, unless the sandbox stops first; false when it did. */
  async sleep(ms: number): Promise<boolean> {
    if (this.stopping.signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await delay(ms, undefined, { signal: this.stopping.signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Tracks background work so that stop() can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => {});
    return work;
  }

  deliver(target: DeliveryTarget, fields: Readonly<Record<string, string>>, options: DeliveryOptions): Delivery {
    const id = this.nextId++;
    let firstAttemptDone!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));
    const done = this.track(
      this.run(id, target, fields, options, () => firstAttemptDone()).finally(() => firstAttemptDone()),
    );
    return { id, firstAttempt, done };
  }

  private async run(
    id: number,
    target: DeliveryTarget,
    fields: Readonly<Record<string, string>>,
    options: DeliveryOptions,
    onFirstAttempt: () => void,
  ): Promise<DeliveryReport> {
    const { recorder, retryDelaysMs, log } = this.settings;
    const end = (outcome: DeliveryRecord['outcome'], attempts: number): DeliveryReport => {
      recorder.add({ type: 'delivery', deliveryId: id, kind: options.kind, memberId: target.memberId, transId: target.transId, outcome, attempts, fields: { ...fields } });
      log(`notification #${id} (${options.kind}) for ${logText(target.transId)}: ${outcome} after ${attempts} attempt(s)`);
      const all = recorder.list({ type: 'notification', transId: target.transId }) as NotificationRecord[];
      return { deliveryId: id, kind: options.kind, memberId: target.memberId, transId: target.transId, outcome, attempts: all.filter((r) => r.deliveryId === id) };
    };
    if (options.drop) return end('dropped', 0);
    if (!(await this.sleep(options.initialDelayMs))) return end('cancelled', 0);
    for (let i = 0; i < retryDelaysMs.length; i++) {
      if (!(await this.sleep(retryDelaysMs[i]))) return end('cancelled', i);
      const copies = await Promise.all(Array.from({ length: options.duplicates }, (_, c) => this.send(id, target, fields, options.kind, i + 1, c + 1)));
      if (i === 0) onFirstAttempt();
      if (copies.some((r) => r.acknowledged)) return end('delivered', i + 1);
      if (this.stopping.signal.aborted) return end('cancelled', i + 1);
    }
    return end('gave-up', retryDelaysMs.length);
  }

  private formType(charset: BaofooCharset): string {
    return this.settings.labelCharset ? `application/x-www-form-urlencoded; charset=${charset === 'gbk' ? 'GBK' : 'UTF-8'}` : 'application/x-www-form-urlencoded';
  }

  private async send(
    deliveryId: number,
    target: DeliveryTarget,
    fields: Readonly<Record<string, string>>,
    kind: DeliveryKind,
    attempt: number,
    copy: number,
  ): Promise<NotificationRecord> {
    const body = renderForm(fields, target.charset);
    const url = target.method === 'GET' ? appendQuery(target.returnUrl, body) : target.returnUrl;
    const started = Date.now();
    let status: number | null = null;
    let responseText: string | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: target.method,
        headers: target.method === 'POST' ? { 'content-type': this.formType(target.charset), 'user-agent': 'baofoo-sandbox' } : { 'user-agent': 'baofoo-sandbox' },
        body: target.method === 'POST' ? body : undefined,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.settings.timeoutMs), this.stopping.signal]),
      });
      status = res.status;
      responseText = (await res.text()).slice(0, MAX_RESPONSE_TEXT);
    } catch (e) {
      error = describeFetchError(e);
    }
    const finished = Date.now();
    return this.settings.recorder.add({
      type: 'notification',
      deliveryId,
      kind,
      memberId: target.memberId,
      transId: target.transId,
      attempt,
      copy,
      method: target.method,
      url,
      charset: target.charset,
      body,
      fields: { ...fields },
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      status,
      responseText,
      acknowledged: responseText !== null && isAcknowledged(responseText),
      error,
    });
  }

  /** Cancels waits and in-flight requests, then waits for every delivery to record its end. */
  async stop(): Promise<void> {
    this.stopping.abort();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
