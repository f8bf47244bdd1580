/** The gateway's products (PayID, spec §6). */
export type ProductKind = 'prepaid-card' | 'debit' | 'credit' | 'cashier';

export interface Product {
  readonly payId: string;
  readonly kind: ProductKind;
  readonly name: string;
  /** Prepaid cards only: the card face values the gateway accepts, in fen. */
  readonly faceValuesFen?: readonly number[];
}

const yuan = (values: number[]) => values.map((v) => v * 100);

const CARDS: Product[] = [
  { payId: '101', kind: 'prepaid-card', name: 'China Mobile Shenzhouxing (神州行)', faceValuesFen: yuan([10, 20, 30, 50, 100, 300]) },
  { payId: '102', kind: 'prepaid-card', name: 'China Unicom (联通卡)', faceValuesFen: yuan([20, 30, 50, 100, 300]) },
  { payId: '103', kind: 'prepaid-card', name: 'China Telecom (电信卡)', faceValuesFen: yuan([30, 50, 100]) },
  { payId: '111', kind: 'prepaid-card', name: 'Shanda (盛大一卡通)', faceValuesFen: yuan([5, 10, 30, 35, 45, 50, 100, 300, 350, 1000]) },
  { payId: '112', kind: 'prepaid-card', name: 'Perfect World (完美一卡通)', faceValuesFen: yuan([15, 30, 50, 100]) },
  { payId: '114', kind: 'prepaid-card', name: 'Zhengtu (征途卡)', faceValuesFen: yuan([10, 15, 20, 25, 30, 50, 100, 300]) },
  { payId: '115', kind: 'prepaid-card', name: 'Junnet (骏网一卡通)', faceValuesFen: yuan([5, 6, 10, 15, 30, 50, 100]) },
  { payId: '116', kind: 'prepaid-card', name: 'NetEase (网易一卡通)', faceValuesFen: yuan([5, 10, 15, 20, 30, 50]) },
];

/** [bank, debit PayID, credit PayID] */
const BANKS: [string, string, string][] = [
  ['China Merchants Bank 招商银行', '3001', '4001'],
  ['ICBC 中国工商银行', '3002', '4002'],
  ['China Construction Bank 中国建设银行', '3003', '4003'],
  ['SPD Bank 上海浦东发展银行', '3004', '4004'],
  ['Agricultural Bank of China 中国农业银行', '3005', '4005'],
  ['China Minsheng Bank 中国民生银行', '3006', '4006'],
  ['Industrial Bank 兴业银行', '3009', '4009'],
  ['Bank of Communications 中国交通银行', '3020', '4020'],
  ['China Everbright Bank 中国光大银行', '3022', '4022'],
  ['Bank of China 中国银行', '3026', '4026'],
  ['Bank of Beijing 北京银行', '3032', '4032'],
  ['Ping An Bank 平安银行', '3035', '4035'],
  ['China Guangfa Bank CGB 广发银行', '3036', '4036'],
  ['Shanghai Rural Commercial Bank 上海农商银行', '3037', '4037'],
  ['Postal Savings Bank 中国邮政储蓄银行', '3038', '4038'],
  ['China CITIC Bank 中信银行', '3039', '4039'],
  ['Hua Xia Bank 华夏银行', '3050', '4050'],
  ['Bank of Shanghai 上海银行', '3059', '4059'],
  ['Beijing Rural Commercial Bank 北京农商银行', '3060', '4060'],
  ['UnionPay card-not-present 银联无卡支付', '3080001', '4080001'],
];

/** The empty PayID: the gateway's cashier lets the shopper choose. */
export const CASHIER: Product = { payId: '', kind: 'cashier', name: 'Gateway cashier (shopper chooses)' };

export const PRODUCTS: readonly Product[] = [
  CASHIER,
  ...CARDS,
  ...BANKS.flatMap(([bank, debit, credit]): Product[] => [
    { payId: debit, kind: 'debit', name: `${bank} (debit)` },
    { payId: credit, kind: 'credit', name: `${bank} (credit)` },
  ]),
];

const BY_PAY_ID = new Map(PRODUCTS.map((p) => [p.payId, p]));

export function findProduct(payId: string): Product | undefined {
  return BY_PAY_ID.get(payId);
}

/** Prepaid cards may be paid below the order amount (the card's face value wins). */
export function isPrepaidCard(payId: string): boolean {
  return findProduct(payId)?.kind === 'prepaid-card';
}
