// Nest types `useFactory` as returning `ModuleOptions`, and TypeScript does not check a function's
// returned object literal for unknown properties (a spread of the base options hides them too), so
// `{ notifcation: … }` in a factory would compile and be ignored. Exact<> turns every property that
// the options do not have, at any depth, into `never`: a misspelt option becomes a type error.
type Leaf = string | number | boolean | bigint | symbol | null | undefined | Date | RegExp | ((...args: never[]) => unknown);

/** `T` with each property that `Shape` lacks, at every depth, typed `never`. */
export type Exact<Shape, T> = unknown extends Shape
  ? T
  : T extends Leaf
    ? T
    : T extends readonly (infer E)[]
      ? Shape extends readonly (infer S)[]
        ? readonly Exact<S, E>[] & T
        : T
      : { [K in keyof T]: K extends keyof NonNullable<Shape> ? Exact<NonNullable<Shape>[K], T[K]> : never };
