import { escapeHtml } from '../protocol/html.ts';

const TRUSTED = Symbol('trusted-html');

/** Markup the board wrote itself: `html` inserts it as is. */
export interface SafeHtml {
  readonly [TRUSTED]: true;
  readonly markup: string;
}

/**
 * Marks `markup` as the board's own (its style sheet, the chart it drew): the
 * only way to put unescaped text into a page. Never pass it anything read
 * from a request, the database or the gateway.
 */
export function raw(markup: string): SafeHtml {
  return { [TRUSTED]: true, markup };
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && TRUSTED in value;
}

function piece(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(piece).join('');
  if (isSafe(value)) return value.markup;
  return escapeHtml(typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : String(value));
}

/**
 * The board's one way to write markup: every interpolation is escaped for
 * element content and quoted attributes, unless it is `html` itself or
 * `raw()`; arrays are joined, null/undefined/false are nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return raw(strings.reduce((out, s, i) => out + s + (i < values.length ? piece(values[i]) : ''), ''));
}
