import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { BaofooEventMap } from './baofoo-events.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';
import { BAOFOO_EVENT_LISTENER, OnBaofooEvent, type OnBaofooEventOptions } from './on-baofoo-event.decorator.ts';

class Listeners {
  @OnBaofooEvent('baofoo.payment.succeeded')
  onPaid(_event: BaofooEventMap['baofoo.payment.succeeded']): void {}

  @OnBaofooEvent(['baofoo.payment.failed', 'baofoo.order.expired'], { listenerId: 'close-cart', attempts: 2, backoff: { baseMs: 500 }, timeoutMs: 5000 })
  onGivenUp(_event: BaofooEventMap['baofoo.payment.failed'] | BaofooEventMap['baofoo.order.expired']): void {}

  // @ts-expect-error a listener of one event cannot take the payload of another
  @OnBaofooEvent('baofoo.payment.succeeded')
  wrongPayload(_event: BaofooEventMap['baofoo.payment.failed']): void {}

  // @ts-expect-error names outside the event map are refused
  @OnBaofooEvent('baofoo.payment.refunded')
  unknownEvent(): void {}
}

describe('@OnBaofooEvent', () => {
  it('records the events, the optional listener name and delivery settings on the method', () => {
    expect(Reflect.getMetadata(BAOFOO_EVENT_LISTENER, Listeners.prototype.onPaid)).toEqual({ events: ['baofoo.payment.succeeded'], listenerId: undefined, delivery: {} });
    expect(Reflect.getMetadata(BAOFOO_EVENT_LISTENER, Listeners.prototype.onGivenUp)).toEqual({
      events: ['baofoo.payment.failed', 'baofoo.order.expired'],
      listenerId: 'close-cart',
      delivery: { attempts: 2, backoff: { baseMs: 500 }, timeoutMs: 5000 },
    });
  });

  /** The problems the decorator refuses `options` with, on a class defined now. */
  function refusal(options: OnBaofooEventOptions): string[] {
    try {
      class Shop {
        @OnBaofooEvent('baofoo.payment.succeeded', options)
        fulfil(): void {}
      }
      void Shop;
    } catch (e) {
      expect(e).toBeInstanceOf(BaofooConfigError);
      return (e as BaofooConfigError).problems;
    }
    throw new Error('the decorator accepted the options');
  }

  it.each([
    [{ attempts: 0 }, /^@OnBaofooEvent on Shop\.fulfil: attempts: /],
    [{ attempts: 2.5 }, /^@OnBaofooEvent on Shop\.fulfil: attempts: /],
    [{ timeoutMs: 5 }, /^@OnBaofooEvent on Shop\.fulfil: timeoutMs: /],
    [{ backoff: { factor: 0.5 } }, /^@OnBaofooEvent on Shop\.fulfil: backoff\.factor: /],
    [{ backoff: { jitter: -0.1 } }, /^@OnBaofooEvent on Shop\.fulfil: backoff\.jitter: /],
    [{ backoff: { baseMs: 2000, maxMs: 1000 } }, /^@OnBaofooEvent on Shop\.fulfil: backoff\.maxMs: must not be below baseMs \(2000\)/],
  ])('refuses %j when the class is defined, naming the listener and the option', (options, message) => {
    const problems = refusal(options as OnBaofooEventOptions);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(message);
  });
});
