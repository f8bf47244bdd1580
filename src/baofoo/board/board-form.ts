import type { ReviewResolution } from '../operations/review-resolution.ts';
import { BoardInputError } from './board-input.error.ts';

/** A parsed query string or url-encoded body: a repeated key arrives as an array, `a[b]=c` as an object. */
export type Fields = Record<string, unknown>;

/** The field as one string ('' when absent); a repeated or structured field is refused, never guessed at. */
export function single(fields: Fields | undefined, name: string): string {
  const value = fields?.[name];
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  throw new BoardInputError('FIELD_NOT_SINGLE', `the field ${name} must be sent once, as text`, { field: name });
}

/** The form's resolution by `by`; the service checks the rest (who, why, amount). */
export function resolutionOf(form: Fields, by: string): ReviewResolution {
  const transId = single(form, 'transId');
  const memberId = single(form, 'memberId') || undefined;
  const why = single(form, 'why');
  if (single(form, 'outcome') === 'FAILED') return { transId, memberId, by, why, outcome: { to: 'FAILED' } };
  const paid = single(form, 'paidMoney');
  return { transId, memberId, by, why, outcome: { to: 'PAID', paidMoney: /^[0-9]{1,15}$/.test(paid) ? Number(paid) : Number.NaN } };
}
