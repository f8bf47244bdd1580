import type { INestApplicationContext } from '@nestjs/common';
import { OutboxRelay } from '../events/outbox-relay.service.ts';

/**
 * Resolves once the relay's claim and the deliveries running now have
 * settled, so a test can read what its `@OnBaofooEvent` listeners did and the
 * deliveries they left on record. Call it after the listener has been reached
 * (the relay picks an event up after its transaction commits).
 */
export function eventsDelivered(app: INestApplicationContext): Promise<void> {
  return app.get(OutboxRelay, { strict: false }).settled();
}
