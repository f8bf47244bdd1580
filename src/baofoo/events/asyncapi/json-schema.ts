/**
 * Just enough of a JSON Schema builder to describe the events: each builder
 * returns the schema as plain JSON and carries, as a phantom type, the
 * TypeScript type a value of it has. `Static<S>` reads that type back, so the
 * schema is the one description: the compiler compares it with the event types
 * and the AsyncAPI document prints it.
 */
export interface Schema<T> {
  readonly json: JsonSchema;
  /** Never set: the type a valid value has, for `Static`. */
  readonly __type?: T;
}

export type JsonSchema = { readonly [keyword: string]: unknown };

export type Static<S> = S extends Schema<infer T> ? T : never;

type Notes = { description?: string; [keyword: string]: unknown };

export function string(notes: Notes = {}): Schema<string> {
  return { json: { type: 'string', ...notes } };
}

/** A whole number, as every amount of money (fen) is. */
export function integer(notes: Notes = {}): Schema<number> {
  return { json: { type: 'integer', ...notes } };
}

export function boolean(notes: Notes = {}): Schema<boolean> {
  return { json: { type: 'boolean', ...notes } };
}

export function literal<const V extends string>(value: V, notes: Notes = {}): Schema<V> {
  return { json: { type: 'string', const: value, ...notes } };
}

export function enumOf<const V extends string>(values: readonly V[], notes: Notes = {}): Schema<V> {
  return { json: { type: 'string', enum: [...values], ...notes } };
}

/** `null` or the value; a nullable enum lists `null` among its values, as JSON Schema asks. */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  const { type, enum: values, ...rest } = schema.json;
  return { json: { type: [type, 'null'], ...(Array.isArray(values) ? { enum: [...values, null] } : {}), ...rest } };
}

/** Marks a property that may be absent (rather than null). */
export interface Optional<T> {
  readonly optional: Schema<T>;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: schema };
}

type Shape = Record<string, Schema<unknown> | Optional<unknown>>;
type RequiredKeys<P extends Shape> = { [K in keyof P]: P[K] extends Schema<unknown> ? K : never }[keyof P];
type OptionalKeys<P extends Shape> = Exclude<keyof P, RequiredKeys<P>>;
type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

export type ObjectOf<P extends Shape> = Expand<
  { [K in RequiredKeys<P>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: P[K] extends Optional<infer T> ? T : never }
>;

/** An object with exactly these properties: every one required unless `optional`, nothing else allowed. */
export function object<const P extends Shape>(properties: P, notes: Notes = {}): Schema<ObjectOf<P>> {
  const entries = Object.entries(properties);
  return {
    json: {
      type: 'object',
      ...notes,
      properties: Object.fromEntries(entries.map(([name, p]) => [name, 'optional' in p ? p.optional.json : p.json])),
      required: entries.filter(([, p]) => !('optional' in p)).map(([name]) => name),
      additionalProperties: false,
    },
  };
}
