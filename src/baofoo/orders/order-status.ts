/** The life of a payment order (docs/architecture/settlement.md, Order states). */
export const ORDER_STATUSES = ['PENDING', 'PAID', 'FAILED', 'REVIEW', 'EXPIRED'] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Who brought the news that settled an order. */
export type SettlementSource = 'notification' | 'query' | 'operator';
