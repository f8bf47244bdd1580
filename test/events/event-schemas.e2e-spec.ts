import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { OnBaofooEvent } from '../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { outboxRows, pendingOrder } from '../notifications/notification-support.ts';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { runCli } from '../../src/cli/main.ts';
import { createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { eventSchemaErrors } from '../support/event-schema-validator.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { until } from './outbox-test-app.ts';

/** Every event the app's emitter carries, as its listeners receive it. */
@Injectable()
class EventCapture implements OnModuleInit {
  readonly events: { type: string; eventId: string }[] = [];
  constructor(private readonly emitter: EventEmitter2) {}
  onModuleInit(): void {
    this.emitter.onAny((_name: string | string[], event: { type: string; eventId: string }) => this.events.push(event));
  }
}

/** A listener that always fails, so that its single attempt is dead-lettered and reported as an event. */
@Injectable()
class BrokenListener {
  @OnBaofooEvent('baofoo.payment.review_required')
  onReview(): void {
    throw new Error('the review desk is down');
  }
}

describe('events the module really delivers', () => {
  let db: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, testOptions({ outbox: { pollIntervalMs: 100, maxAttempts: 1 } }), { providers: [EventCapture, BrokenListener] });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const deliver = (n: ReturnType<typeof signedNotification>) => deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n);
  const success = (transId: string, factMoney: number, additionalInfo?: string) => deliver(signedNotification({ transId, result: 'success', factMoney, succTime: '20261125120000', additionalInfo }));
  const failure = (transId: string) => deliver(signedNotification({ transId, result: 'failure', resultDesc: '0013', factMoney: 0, succTime: '' }));
  /** An operator's resolution, as `npx baofoo resolve-review` makes it. */
  const resolve = async (...args: string[]) => expect(await runCli(['resolve-review', ...args, '--by', 'ops', '--why', 'checked the bank statement'], { DATABASE_URL: db.url }, memoryIo())).toBe(0);

  it('validate against the published schemas, one of every kind a notification or an operator causes', async () => {
    const paid = await pendingOrder(t, 10000);
    await success(paid.transId, 10000);
    await failure(paid.transId);
    const failed = await pendingOrder(t, 800);
    await failure(failed.transId);
    await success(failed.transId, 800);
    const partial = await pendingOrder(t, 10000, '101', 'member=1');
    await success(partial.transId, 5000, 'member=2');
    const toPay = await pendingOrder(t, 10000);
    await success(toPay.transId, 9999);
    await resolve(toPay.transId, '--paid', '9999');
    const toFail = await pendingOrder(t, 10000);
    await success(toFail.transId, 9000);
    await resolve(toFail.transId, '--failed');
    await success('NOSUCHORDER0001', 100);

    const written = (await outboxRows(t.dataSource)).map((row) => row.payload.eventId as string);
    const capture = t.app.get(EventCapture);
    const captured = () => new Set(capture.events.map((e) => e.eventId));
    await until(() => written.every((id) => captured().has(id)) && capture.events.some((e) => e.type === 'baofoo.delivery.dead_lettered'), 20_000, 'every event delivered');

    expect(capture.events.flatMap(eventSchemaErrors)).toEqual([]);
    // Expiries and reconciliation mismatches come only from order queries: the unit specs build them with the same writers.
    expect([...new Set(capture.events.map((e) => e.type))].sort()).toEqual(
      [
        'baofoo.payment.succeeded',
        'baofoo.payment.failed',
        'baofoo.payment.review_required',
        'baofoo.payment.anomaly',
        'baofoo.notification.rejected',
        'baofoo.notification.additional_info_mismatch',
        'baofoo.delivery.dead_lettered',
      ].sort(),
    );
  });
});
