import type { DataSource } from 'typeorm';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import type { TestApp } from '../support/baofoo-test-app.ts';
import { md5, encodeIn, type Charset } from '../support/independent-md5.ts';

/**
 * Shared by the notification and payment suites. Signatures here are computed
 * from spec §3 with node:crypto, never with the code under test.
 */

export { md5, type Charset };

export type ResultFields = {
  MemberID: string;
  TerminalID: string;
  TransID: string;
  Result: string;
  ResultDesc: string;
  FactMoney: string;
  AdditionalInfo: string;
  SuccTime: string;
};

/** `md5(MemberID=…~|~…~|~SuccTime=…~|~Md5Sign=key)`, spelled out. */
export function specSign(f: ResultFields, key = 'abcdefg', charset: Charset = 'utf-8'): string {
  return md5(
    `MemberID=${f.MemberID}~|~TerminalID=${f.TerminalID}~|~TransID=${f.TransID}~|~Result=${f.Result}~|~ResultDesc=${f.ResultDesc}` +
      `~|~FactMoney=${f.FactMoney}~|~AdditionalInfo=${f.AdditionalInfo}~|~SuccTime=${f.SuccTime}~|~Md5Sign=${key}`,
    charset,
  );
}

/** The nine fields of a success from the published test merchant, signed independently. */
export function successFields(transId: string, factMoney: number, overrides: Partial<ResultFields> = {}, key = 'abcdefg'): ResultFields & { Md5Sign: string } {
  const f: ResultFields = {
    MemberID: '100000178',
    TerminalID: '10000001',
    TransID: transId,
    Result: '1',
    ResultDesc: '01',
    FactMoney: String(factMoney),
    AdditionalInfo: '',
    SuccTime: '20261125120000',
    ...overrides,
  };
  return { ...f, Md5Sign: specSign(f, key) };
}

/** A form body percent-encoding the bytes of `charset`, written without the library's encoder. */
export function formBody(fields: Readonly<Record<string, string>>, charset: Charset = 'utf-8'): string {
  const pct = (text: string) =>
    [...encodeIn(text, charset)].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return Object.entries(fields)
    .map(([k, v]) => `${pct(k)}=${pct(v)}`)
    .join('&');
}

export interface OrderState {
  status: string;
  version: number;
  fact: number | null;
  resultDesc: string | null;
  updatedAt: Date;
}

export async function orderState(ds: DataSource, transId: string): Promise<OrderState> {
  const [row] = await ds.query(
    `SELECT status, version, fact_money::int AS fact, result_desc AS "resultDesc", updated_at AS "updatedAt" FROM baofoo_payment_orders WHERE trans_id = $1`,
    [transId],
  );
  return row;
}

export interface LedgerRow {
  verdict: string;
  reasonCode: string | null;
  httpStatus: number;
  sourceIp: string;
  method: string;
  fields: Record<string, string> | null;
  rawBody: string;
  fromStatus: string | null;
  toStatus: string | null;
  keyId: string | null;
}

export async function ledgerRows(ds: DataSource, where = 'TRUE', params: unknown[] = []): Promise<LedgerRow[]> {
  return ds.query(
    `SELECT verdict, reason_code AS "reasonCode", http_status AS "httpStatus", source_ip AS "sourceIp", method, fields, raw_body AS "rawBody",
            from_status AS "fromStatus", to_status AS "toStatus", key_id AS "keyId"
       FROM baofoo_notification_ledger WHERE ${where} ORDER BY id`,
    params,
  );
}

export async function outboxRows(ds: DataSource, where = 'TRUE', params: unknown[] = []): Promise<{ type: string; transId: string | null; payload: Record<string, unknown> }[]> {
  return ds.query(`SELECT type, trans_id AS "transId", payload FROM baofoo_outbox WHERE ${where} ORDER BY id`, params);
}

/** Row counts of the three tables, to show that a refused or failed delivery wrote nothing else. */
export async function tableCounts(ds: DataSource): Promise<{ orders: number; ledger: number; outbox: number }> {
  const [row] = await ds.query(
    `SELECT (SELECT count(*) FROM baofoo_payment_orders)::int AS orders, (SELECT count(*) FROM baofoo_notification_ledger)::int AS ledger,
            (SELECT count(*) FROM baofoo_outbox)::int AS outbox`,
  );
  return row;
}

/** How many refusals of `reasonCode` the counts table holds, over every window and source. */
export async function refusalCount(ds: DataSource, reasonCode: string): Promise<number> {
  const [row] = await ds.query(`SELECT COALESCE(sum(count), 0)::int AS n FROM baofoo_refusal_counts WHERE reason_code = $1`, [reasonCode]);
  return row.n;
}

/** A PENDING order created through the real PaymentService. */
export async function pendingOrder(t: TestApp, orderMoney: number, payId = '3002', additionalInfo?: string): Promise<{ transId: string; orderMoney: number }> {
  const { order } = await t.app.get(PaymentService).createPayment({ orderMoney, payId, additionalInfo });
  return { transId: order.transId, orderMoney };
}
