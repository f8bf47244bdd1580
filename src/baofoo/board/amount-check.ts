/** What the board knows of an order's money when an operator types the amount paid (fen). */
export interface RecordedAmounts {
  orderMoney: number;
  /** What the gateway reported as paid, when it did. */
  factMoney: number | null;
}

/**
 * Whether `paid` is far from every amount on record: off the order's amount,
 * and off the gateway's reported amount, by more than the order's amount
 * (a typo of one digit too many, a yuan typed for fen the other way round).
 */
export function amountIsFar(paid: number, a: RecordedAmounts): boolean {
  const references = a.factMoney === null ? [a.orderMoney] : [a.orderMoney, a.factMoney];
  return references.every((r) => Math.abs(paid - r) > a.orderMoney);
}

/** The refusal text naming the amounts; the form shows `amountHint` beforehand. */
export function farAmountMessage(paid: number, a: RecordedAmounts): string {
  const reported = a.factMoney === null ? '' : ` and the gateway's reported ${a.factMoney} fen`;
  return `the amount paid ${paid} fen is off the order's ${a.orderMoney} fen${reported} by more than the order's amount: check it, and tick "confirm amount" to resolve with it`;
}

/** The warning beside the amount field. */
export function amountHint(a: RecordedAmounts): string {
  const reported = a.factMoney === null ? '' : ` and not within ${a.orderMoney} of the gateway's ${a.factMoney}`;
  return `Over ${2 * a.orderMoney} fen${reported}: tick "confirm amount".`;
}
