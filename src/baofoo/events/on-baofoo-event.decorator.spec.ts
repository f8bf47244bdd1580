import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { BaofooEventMap } from './baofoo-events.ts';
import { BAOFOO_EVENT_LISTENER, OnBaofooEvent } from './on-baofoo-event.decorator.ts';

class Listeners {
  @OnBaofooEvent('baofoo.payment.succeeded')
  onPaid(_event: BaofooEventMap['baofoo.payment.succeeded']): void {}

  @OnBaofooEvent(['baofoo.payment.failed', 'baofoo.order.expired'], { listenerId: 'close-cart' })
  onGivenUp(_event: BaofooEventMap['baofoo.payment.failed'] | BaofooEventMap['baofoo.order.expired']): void {}

  // @ts-expect-error a listener of one event cannot take the payload of another
  @OnBaofooEvent('baofoo.payment.succeeded')
  wrongPayload(_event: BaofooEventMap['baofoo.payment.failed']): void {}

  // @ts-expect-error names outside the event map are refused
  @OnBaofooEvent('baofoo.payment.refunded')
  unknownEvent(): void {}
}

describe('@OnBaofooEvent', () => {
  it('records the events and the optional listener name on the method', () => {
    expect(Reflect.getMetadata(BAOFOO_EVENT_LISTENER, Listeners.prototype.onPaid)).toEqual({ events: ['baofoo.payment.succeeded'], listenerId: undefined });
    expect(Reflect.getMetadata(BAOFOO_EVENT_LISTENER, Listeners.prototype.onGivenUp)).toEqual({ events: ['baofoo.payment.failed', 'baofoo.order.expired'], listenerId: 'close-cart' });
  });
});
