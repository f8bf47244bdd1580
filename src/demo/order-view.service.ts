import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BAOFOO_OPTIONS } from '../baofoo/baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../baofoo/config/resolved-options.ts';
import { FulfilmentService, type Fulfilment } from './fulfilment.service.ts';

export interface LedgerView {
  id: string;
  receivedAt: string;
  method: string;
  sourceIp: string;
  verdict: string;
  reasonCode: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  httpStatus: number;
}

export interface EventView {
  eventId: string;
  type: string;
  createdAt: string;
  delivered: boolean;
}

export interface OrderView {
  transId: string;
  status: string;
  payId: string;
  orderMoney: number;
  factMoney: number | null;
  resultDesc: string | null;
  settledBy: string | null;
  createdAt: string;
  ledger: LedgerView[];
  events: EventView[];
  fulfilment: Fulfilment | null;
}

interface OrderRecord {
  id: string;
  trans_id: string;
  status: string;
  pay_id: string;
  order_money: string;
  fact_money: string | null;
  result_desc: string | null;
  settled_by: string | null;
  created_at: Date;
}

/** Read side of the shop's pages and API: an order with its notification ledger, outbox events and fulfilment. */
@Injectable()
export class OrderViewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fulfilments: FulfilmentService,
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
  ) {}

  async find(transId: string): Promise<OrderView | null> {
    const rows: OrderRecord[] = await this.dataSource.query(
      `SELECT id, trans_id, status, pay_id, order_money, fact_money, result_desc, settled_by, created_at
         FROM baofoo_payment_orders WHERE member_id = $1 AND trans_id = $2`,
      [this.memberId(), transId],
    );
    return rows[0] ? this.view(rows[0]) : null;
  }

  async recent(limit = 50): Promise<OrderView[]> {
    const rows: OrderRecord[] = await this.dataSource.query(
      `SELECT id, trans_id, status, pay_id, order_money, fact_money, result_desc, settled_by, created_at
         FROM baofoo_payment_orders WHERE member_id = $1 ORDER BY id DESC LIMIT $2`,
      [this.memberId(), limit],
    );
    return Promise.all(rows.map((r) => this.view(r)));
  }

  // The demo sells for one merchant: the first configured.
  private memberId(): string {
    return this.options.keyRing.merchants[0]?.memberId ?? '';
  }

  private async view(r: OrderRecord): Promise<OrderView> {
    const [ledger, events, fulfilments] = await Promise.all([
      this.dataSource.query(
        `SELECT id, received_at, method, source_ip, verdict, reason_code, from_status, to_status, http_status
           FROM baofoo_notification_ledger WHERE trans_id = $2 AND order_id = $1 ORDER BY id`,
        // By TransID first: the ledger's index for an order's rows (it has none on order_id).
        [r.id, r.trans_id],
      ) as Promise<
        {
          id: string;
          received_at: Date;
          method: string;
          source_ip: string;
          verdict: string;
          reason_code: string | null;
          from_status: string | null;
          to_status: string | null;
          http_status: number;
        }[]
      >,
      this.dataSource.query('SELECT event_id, type, created_at, delivered_at FROM baofoo_outbox WHERE order_id = $1 ORDER BY id', [r.id]) as Promise<
        { event_id: string; type: string; created_at: Date; delivered_at: Date | null }[]
      >,
      this.fulfilments.forOrder(r.trans_id),
    ]);
    return {
      transId: r.trans_id,
      status: r.status,
      payId: r.pay_id,
      orderMoney: Number(r.order_money),
      factMoney: r.fact_money === null ? null : Number(r.fact_money),
      resultDesc: r.result_desc,
      settledBy: r.settled_by,
      createdAt: r.created_at.toISOString(),
      ledger: ledger.map((l) => ({
        id: l.id,
        receivedAt: l.received_at.toISOString(),
        method: l.method,
        sourceIp: l.source_ip,
        verdict: l.verdict,
        reasonCode: l.reason_code,
        fromStatus: l.from_status,
        toStatus: l.to_status,
        httpStatus: l.http_status,
      })),
      events: events.map((e) => ({ eventId: e.event_id, type: e.type, createdAt: e.created_at.toISOString(), delivered: e.delivered_at !== null })),
      fulfilment: fulfilments[0] ?? null,
    };
  }
}
