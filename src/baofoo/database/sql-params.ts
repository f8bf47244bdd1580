/**
 * Positional parameters collected while a statement is built from small
 * functions: each builder asks for the placeholder of the value it needs, so
 * no builder has to know how many parameters came before it.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** The placeholder (`$n`) of `value`, added at the end. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A statement and its parameters, ready for `query(text, params)`. */
export interface SqlStatement {
  text: string;
  params: unknown[];
}

/*
 * PostgreSQL refuses text with a lone UTF-16 surrogate, which hostile input can
 * carry into a ledger reason or an event: such halves become U+FFFD, so the
 * record is still written.
 */
const wellFormed = (_key: string, value: unknown) => (typeof value === 'string' ? value.toWellFormed() : value);

/*
 * JSON.stringify writes a lone surrogate, and only that, as a `\udXXX` escape
 * (a pair is written as is), so JSON without `\ud` has none. A replacer puts
 * stringify on its slow path, a call per value (the settling statement's
 * largest cost in the bench profile): it runs only when there may be one.
 */
const MAYBE_LONE_SURROGATE = '\\ud';

/** Rows as one JSON parameter for `jsonb_to_recordset`, every string well formed. */
export function rowsJson(rows: unknown): string {
  const json = JSON.stringify(rows);
  return json.includes(MAYBE_LONE_SURROGATE) ? JSON.stringify(rows, wellFormed) : json;
}

/**
 * Where inserted rows come from and whether they are inserted at all, when the
 * insert rides in a statement with an UPDATE (`WITH changed AS (UPDATE … RETURNING id)`):
 * - `orderIdFrom`: the CTE whose `id` is the order id (for writers that learn it from the UPDATE);
 * - `onlyIf`: a CTE that must have produced a row, or the insert adds nothing;
 * - `byIndex`: with `orderIdFrom`, for a statement that settles several orders: each row carries
 *   `idx` (its settlement's place in the batch) and is inserted only with the updated row of the
 *   same `idx`, which the CTE returns beside `id`.
 */
export interface InsertGuard {
  orderIdFrom?: string;
  onlyIf?: string;
  byIndex?: boolean;
}

/**
 * `FROM` and `WHERE` of an insert's SELECT over `jsonb_to_recordset(json) AS alias(columns)`
 * under the guard.
 */
export function guardedFrom(json: string, alias: string, columns: string, guard: InsertGuard): { from: string; where: string } {
  const recordset = `jsonb_to_recordset(${json}::jsonb) AS ${alias}(${columns}${guard.byIndex ? ', idx int' : ''})`;
  const from = guard.orderIdFrom ? `${guard.orderIdFrom}, ${recordset}` : recordset;
  const where = guard.onlyIf
    ? ` WHERE EXISTS (SELECT 1 FROM ${guard.onlyIf})`
    : guard.byIndex && guard.orderIdFrom
      ? ` WHERE ${alias}.idx = ${guard.orderIdFrom}.idx`
      : '';
  return { from, where };
}
