import type { ValueTransformer } from 'typeorm';
import { parseFen, type Fen } from '../protocol/money.ts';

/**
 * pg returns BIGINT as text so no precision is lost; money is read back into
 * safe-integer fen and refused otherwise, never through a float.
 */
export function readFen(value: string | number | null): Fen | null {
  return value === null || value === undefined ? null : parseFen(String(value));
}

export const fenColumn: ValueTransformer = { from: readFen, to: (value: Fen | null) => value };
