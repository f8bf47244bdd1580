import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { BaofooEvent } from '../../baofoo/events/baofoo-events.ts';
import { RETRY_DELAY_MS } from './consumer.constants.ts';
import { ReceivedEventsStore } from './received-events.store.ts';

/**
 * Every event of the bridge, recorded once. The ack goes out only after the
 * record committed: a crash before it leaves the message unacked, the broker
 * redelivers it, and the primary key makes that copy a no-op.
 */
@Controller()
export class BaofooEventsController {
  private readonly logger = new Logger('BaofooEvents');

  constructor(
    private readonly store: ReceivedEventsStore,
    @Inject(RETRY_DELAY_MS) private readonly retryDelayMs: number,
  ) {}

  // The explicit type picks the plain overload: the typed-map one wants every argument after the data to be unknown.
  @EventPattern<string>('baofoo.#')
  async onEvent(@Payload() event: BaofooEvent, @Ctx() context: RmqContext): Promise<void> {
    const message = context.getMessage() as ConsumeMessage;
    const channel = context.getChannelRef() as Channel;
    const messageId: unknown = message.properties.messageId;
    if (typeof messageId !== 'string' || messageId === '') {
      // Nothing to deduplicate on: not the bridge's. Dropped (or dead-lettered, if the queue has a dead-letter exchange).
      this.logger.warn(`message of type ${JSON.stringify(message.properties.type)} without a message-id rejected`);
      channel.nack(message, false, false);
      return;
    }
    try {
      const first = await this.store.recordOnce(messageId, event);
      channel.ack(message);
      if (!first) this.logger.log(`duplicate of ${JSON.stringify(messageId)} acknowledged, not recorded again`);
    } catch (e) {
      // Not recorded (database down?): back to the queue after a pause, so an outage does not spin through it.
      this.logger.error(`event ${JSON.stringify(messageId)} not recorded, requeued: ${JSON.stringify((e as Error).message)}`);
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      channel.nack(message, false, true);
    }
  }
}
