/**
 * What became of a received notification, as recorded in the ledger:
 * - applied: it moved the order;
 * - duplicate: the order already says the same (replays, retries);
 * - review: money arrived but does not match, the order awaits a person;
 * - ignored: valid but changes nothing (a failure after a success);
 * - rejected: refused (IP, signature, merchant, malformed, unknown order).
 */
export type NotificationVerdict = 'applied' | 'duplicate' | 'review' | 'ignored' | 'rejected';
