import 'reflect-metadata';
import { createHash } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import type { BaofooModuleOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, createNestApp, testOptions } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { orderState, specSign } from './notification-support.ts';

const SECRET_PATHS: BaofooModuleOptions = testOptions({
  notification: { path: '/baofoo/notify/s3cr3t', pagePath: '/shop/paid', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1'] },
});

/** Route paths are bound at boot from the options, which forRootAsync only knows once its factory ran. */
const BUILDS: [string, () => DynamicModule][] = [
  ['forRoot', () => BaofooModule.forRoot(SECRET_PATHS)],
  ['forRootAsync', () => BaofooModule.forRootAsync({ useFactory: async () => SECRET_PATHS })],
];

describe.each(ADAPTERS.flatMap((adapter) => BUILDS.map(([how, baofoo]) => [adapter, how, baofoo] as const)))('on %s, the module built with %s', (adapter, _how, baofoo) => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(baofooPostgresOptions({ url: db.url })), EventEmitterModule.forRoot(), baofoo()],
    }).compile();
    app = createNestApp(moduleRef, adapter);
    await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('serves notifications on the configured secret path and signs it into ReturnUrl', async () => {
    const { order, form } = await app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    expect(form.fields.ReturnUrl).toBe('http://127.0.0.1:3000/baofoo/notify/s3cr3t');
    expect(form.fields.PageUrl).toBe('http://127.0.0.1:3000/shop/paid');
    const n = signedNotification({ transId: order.transId, result: 'success', factMoney: 100 });
    expect(n.fields.Md5Sign).toBe(specSign(n.fields));
    const res = await request(app.getHttpServer()).post('/baofoo/notify/s3cr3t').type('form').send(n.body);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect(await orderState(app.get(DataSource), order.transId)).toMatchObject({ status: 'PAID', version: 2 });
  });

  it('answers a notification in plain text without an ETag, so an If-None-Match never turns it into an empty 304', async () => {
    const { order } = await app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    const n = signedNotification({ transId: order.transId, result: 'success', factMoney: 100 });
    // The weak ETag Express's send would give the body OK: length in hex, then SHA-1 in base64, cut to 27 characters.
    const okTag = `W/"2-${createHash('sha1').update('OK').digest('base64').slice(0, 27)}"`;
    const res = await request(app.getHttpServer()).get(`/baofoo/notify/s3cr3t${n.query}`).set('If-None-Match', okTag);
    expect([res.status, res.text, res.headers['content-type'], res.headers.etag]).toEqual([200, 'OK', 'text/plain; charset=utf-8', undefined]);
  });

  it('does not answer on the default notification and page paths', async () => {
    const { order } = await app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    const n = signedNotification({ transId: order.transId, result: 'success', factMoney: 100 });
    for (const path of ['/baofoo/notify', '/baofoo/return']) {
      expect((await request(app.getHttpServer()).post(path).type('form').send(n.body)).status).toBe(404);
      expect((await request(app.getHttpServer()).get(`${path}${n.query}`)).status).toBe(404);
    }
    expect(await orderState(app.get(DataSource), order.transId)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('serves the page return on its configured path', async () => {
    const { order } = await app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    const res = await request(app.getHttpServer()).get(`/shop/paid${signedNotification({ transId: order.transId, result: 'success', factMoney: 100 }).query}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-status="PENDING"');
  });
});
