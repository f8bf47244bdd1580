/** How long the consumer waits before handing back a message it could not record, in ms. */
export const RETRY_DELAY_MS = Symbol('RETRY_DELAY_MS');
