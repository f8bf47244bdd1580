import { BAOFOO_EVENT_NAMES } from '../events/baofoo-events.ts';

/*
 * Label values must come from small fixed sets, or one hostile client could
 * create a time series per request: anything unexpected becomes `other`.
 * Never a TransID, an IP or free text.
 */

const VERDICTS = new Set(['applied', 'duplicate', 'review', 'ignored', 'rejected']);
const OUTCOMES = new Set(['paid', 'failed', 'review', 'expired', 'later', 'unchanged', 'mismatch', 'error', 'skipped', 'too-soon']);
const EVENTS = new Set<string>(BAOFOO_EVENT_NAMES);
// The module's reason and error codes are upper-case identifiers it defines itself.
const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

const oneOf = (known: Set<string>, value: string | null | undefined) => (value && known.has(value) ? value : 'other');

export const verdictLabel = (v: string | null | undefined) => oneOf(VERDICTS, v);
export const outcomeLabel = (v: string | null | undefined) => oneOf(OUTCOMES, v);
export const eventLabel = (v: string | null | undefined) => oneOf(EVENTS, v);
export const codeLabel = (v: string | null | undefined) => (v == null ? 'none' : CODE.test(v) ? v : 'other');
