import { Injectable, RequestMethod, VERSION_NEUTRAL, VersioningType, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { VERSION_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, Reflector } from '@nestjs/core';
import request from 'supertest';
import type { BaofooModuleOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, createTestApp, testOptions, type AdapterName, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { orderState } from './notification-support.ts';

/** The `@Public()` pattern of the Nest docs: an app-wide guard that lets in only routes whose metadata says public. */
const IS_PUBLIC_KEY = 'isPublic';

@Injectable()
class DenyUnlessPublic implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
  }
}

/** The module's routes inside apps that mount them under a global prefix or behind an app-wide guard. */
describe.each(ADAPTERS)('the module mounted in an app on %s', (adapter: AdapterName) => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  async function boot(options: BaofooModuleOptions, extra: Parameters<typeof createTestApp>[2] = {}): Promise<TestApp> {
    const app = await createTestApp(db.url, options, { ...extra, adapter });
    apps.push(app);
    return app;
  }

  /** Creates a payment, checks where its signed URLs point, and delivers its success there. */
  async function payThrough(t: TestApp, notifyPath: string, pagePath: string): Promise<{ res: request.Response; page: request.Response }> {
    const { order, form } = await t.app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    expect([form.fields.ReturnUrl, form.fields.PageUrl]).toEqual([`http://127.0.0.1:3000${notifyPath}`, `http://127.0.0.1:3000${pagePath}`]);
    const n = signedNotification({ transId: order.transId, result: 'success', factMoney: 100 });
    const res = await request(t.app.getHttpServer()).post(notifyPath).type('form').send(n.body);
    if (res.text === 'OK') expect(await orderState(t.dataSource, order.transId)).toMatchObject({ status: 'PAID', version: 2 });
    const page = await request(t.app.getHttpServer()).get(`${pagePath}${n.query}`);
    if (res.text === 'OK') expect(page.text).toContain('data-status="PAID"');
    return { res, page };
  }

  it('signs ReturnUrl and PageUrl under a global prefix and settles there', async () => {
    const t = await boot(testOptions(), { configure: (app: INestApplication) => app.setGlobalPrefix('api') });
    const { res } = await payThrough(t, '/api/baofoo/notify', '/api/baofoo/return');
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect((await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send('a=b')).status).toBe(404);
  });

  it('signs the unprefixed paths when the global prefix excludes the module\'s routes', async () => {
    const t = await boot(testOptions(), { configure: (app: INestApplication) => app.setGlobalPrefix('/api/', { exclude: ['baofoo/notify', { path: 'baofoo/return', method: RequestMethod.ALL }] }) });
    const { res } = await payThrough(t, '/baofoo/notify', '/baofoo/return');
    expect([res.status, res.text]).toEqual([200, 'OK']);
  });

  it('refuses to boot when the prefix excludes the notification route for POST but not GET, and says why', async () => {
    await expect(boot(testOptions(), { configure: (app: INestApplication) => app.setGlobalPrefix('api', { exclude: [{ path: 'baofoo/notify', method: RequestMethod.POST }] }) })).rejects.toThrow(
      /notification\.path \/baofoo\/notify for only one of GET and POST/,
    );
  });

  it('refuses to boot under URI versioning with a default version unless routeMetadata makes the routes version-neutral', async () => {
    const versioned = (app: INestApplication) => app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
    await expect(boot(testOptions(), { configure: versioned })).rejects.toThrow(/URI versioning would move notification\.path \/baofoo\/notify under a version/);
    const neutral = testOptions({
      notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1'], routeMetadata: [[VERSION_METADATA, VERSION_NEUTRAL]] },
    });
    const { res } = await payThrough(await boot(neutral, { configure: versioned }), '/baofoo/notify', '/baofoo/return');
    expect([res.status, res.text]).toEqual([200, 'OK']);
  });

  it('lets the gateway through an app-wide auth guard when routeMetadata marks the routes public', async () => {
    const t = await boot(testOptions({ notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1'], routeMetadata: [[IS_PUBLIC_KEY, true]] } }), {
      providers: [{ provide: APP_GUARD, useClass: DenyUnlessPublic }],
    });
    const { res } = await payThrough(t, '/baofoo/notify', '/baofoo/return');
    expect([res.status, res.text]).toEqual([200, 'OK']);
  });

  it('is stopped by the same app-wide guard without routeMetadata: the gateway reads a non-OK answer and retries', async () => {
    const t = await boot(testOptions(), { providers: [{ provide: APP_GUARD, useClass: DenyUnlessPublic }] });
    const { res, page } = await payThrough(t, '/baofoo/notify', '/baofoo/return');
    expect([res.status, res.text]).toEqual([503, 'FAIL UNAVAILABLE']);
    expect(page.status).toBe(403);
  });
});
