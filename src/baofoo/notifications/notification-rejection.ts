import type { NotificationAnswer } from './inbound-notification.ts';

/** Thrown by the guards once a rejection is recorded; the filter turns it into the plain-text answer. */
export class NotificationRejection extends Error {
  constructor(readonly answer: NotificationAnswer) {
    super(answer.body);
  }
}
