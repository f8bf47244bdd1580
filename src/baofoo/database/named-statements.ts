/**
 * The module's named (prepared) statements, all listed here. A named
 * statement is parsed and planned once per connection and then only bound
 * and executed, which roughly halves PostgreSQL's CPU for the settling
 * statement (issue 13: planning took 0.24 ms against 0.30 ms of execution).
 *
 * Each name must always carry the same text: builders whose text would vary
 * (a variable number of placeholders) pass rows as one JSON or array
 * parameter instead, so the set of names, and of statements a connection
 * keeps, is this fixed list. Statements live and die with their connection:
 * a destroyed connection takes them with it, a new one prepares them again.
 *
 * Behind PgBouncer in transaction mode, protocol-level prepared statements
 * need PgBouncer ≥ 1.21 with `max_prepared_statements` > 0 (older versions,
 * or 0, send a statement to a server connection that never prepared it):
 * the connection plan (database-topology.ts) then runs them unnamed.
 */
export const STATEMENT_NAMES = [
  'baofoo_settle_pending',
  'baofoo_settle_pending_batch',
  'baofoo_transition',
  'baofoo_record',
  'baofoo_outbox_claim',
  'baofoo_outbox_deliveries',
  'baofoo_outbox_finish',
  'baofoo_outbox_finish_recorded',
  'baofoo_bridge_claim',
  'baofoo_bridge_mark',
] as const;

export type StatementName = (typeof STATEMENT_NAMES)[number];

/** SQL text with the name it is prepared under. */
export interface NamedSql {
  name: StatementName;
  text: string;
}

/** What `query()` accepts: plain text (parsed on every call) or a named statement. */
export type Sql = string | NamedSql;

const texts = new Map<StatementName, string>();

/**
 * `text` under `name`. A name seen with another text is a programming error
 * (pg would refuse it on a connection that prepared the first one): caught
 * here, where the statement is built, with the name in the message.
 */
export function named(name: StatementName, text: string): NamedSql {
  const known = texts.get(name);
  if (known === undefined) texts.set(name, text);
  else if (known !== text) throw new Error(`the prepared statement ${name} was built with another text: its builder must give it one fixed text`);
  return { name, text };
}

/** The pg query config of `sql`: named only when `prepare` (the connection plan's `namedStatements`). */
export function queryText(sql: Sql, prepare = true): { name?: string; text: string } {
  return typeof sql === 'string' || !prepare ? { text: typeof sql === 'string' ? sql : sql.text } : sql;
}
