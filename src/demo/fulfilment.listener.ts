import { Injectable } from '@nestjs/common';
import type { PaymentSucceededEvent } from '../baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../baofoo/events/on-baofoo-event.decorator.ts';
import { FulfilmentService } from './fulfilment.service.ts';

/**
 * The shop's reaction to a paid order; the relay may deliver twice, the
 * service dedupes. A partial prepaid-card payment (`partial`, with the
 * `shortfall` in fen) is PAID for the module but is not shipped: it is held
 * for a person to collect the rest or refund.
 */
@Injectable()
export class FulfilmentListener {
  constructor(private readonly fulfilment: FulfilmentService) {}

  // A fixed listenerId: delivery records are kept by name and must survive a rename of this class.
  // Typed `unknown` because the decorator's descriptor type is invariant in the return type.
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'demo.fulfilment' })
  onPaid(event: PaymentSucceededEvent, _context?: BaofooDeliveryContext): unknown {
    if (!event.transId) return undefined;
    const held = event.partial ? `partial payment: ${event.factMoney} of ${event.orderMoney} fen, ${event.shortfall} fen short` : null;
    return this.fulfilment.fulfil(event.eventId, event.transId, held);
  }
}
