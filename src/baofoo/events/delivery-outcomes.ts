/**
 * Every listener outcome on record, as one FROM item (`outcomes`): the
 * `baofoo_event_deliveries` rows, and the listeners each outbox row names in
 * `first_try_listeners` (delivered at their first call, no row of their own;
 * `delivered_at` is the event's). Readers filter on `event_id` (pushed into
 * both halves, each on its unique index) or on `status`.
 */
export const DELIVERY_OUTCOMES = `(
    SELECT d.event_id, d.event_type, d.listener, d.status, d.attempts, d.last_error, d.next_attempt_at, d.first_attempt_at, d.delivered_at, d.dead_at, d.replays
      FROM baofoo_event_deliveries d
    UNION ALL
    SELECT o.event_id, o.type, f.listener, 'delivered', 1, NULL, NULL, o.delivered_at, o.delivered_at, NULL, 0
      FROM baofoo_outbox o CROSS JOIN LATERAL unnest(o.first_try_listeners) AS f(listener)
  ) AS outcomes`;
