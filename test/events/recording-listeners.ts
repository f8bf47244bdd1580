import { Inject, Injectable, type Provider } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { BaofooEventMap } from '../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent, type BaofooDeliveryContext } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import type { DeliveryRecorder } from './delivery-recorder.ts';

export const RECORDER = Symbol('RECORDER');
export const APP_NAME = Symbol('APP_NAME');

/** The recorder every listener of an app writes to, and the app's name in the records. */
export function recorderProviders(recorder: DeliveryRecorder, app: string): Provider[] {
  return [
    { provide: RECORDER, useValue: recorder },
    { provide: APP_NAME, useValue: app },
  ];
}

/** A listener that always succeeds, as an app's ledger or mailer would. */
@Injectable()
export class LedgerListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded')
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event }, lagMs: context.lagMs });
  }
}

/** A second, independent listener of the same event. */
@Injectable()
export class MailerListener {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'mailer' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.recorder.record({ app: this.app, listener: context.listener, eventId: event.eventId, attempt: context.attempt, payload: { ...event } });
  }
}

/** A plain `@OnEvent` subscriber: fire-and-forget, typed by the event map. */
@Injectable()
export class EmitterSubscriber {
  constructor(
    @Inject(RECORDER) private readonly recorder: DeliveryRecorder,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  @OnEvent('baofoo.payment.succeeded')
  onPaid(event: BaofooEventMap['baofoo.payment.succeeded']): void {
    this.recorder.record({ app: this.app, listener: '@OnEvent', eventId: event.eventId, attempt: 1, payload: { ...event } });
  }
}
