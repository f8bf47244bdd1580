import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Global, Inject, Injectable, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { BAOFOO_CLOCK } from './baofoo.constants.ts';
import { BaofooModule } from './baofoo.module.ts';
import { BaofooBoardModule } from './board/baofoo-board.module.ts';
import { baofooConfig, baofooOptionsFromEnv } from './config/baofoo-env.config.ts';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';
import { BaofooConfigError } from './config/resolve-options.ts';
import { BaofooSigner } from './signing/baofoo-signer.service.ts';
import { md5 } from '../../test/support/independent-md5.ts';


/**
 * The module expects the app's TypeORM DataSource. Nothing here reaches the
 * database (no provider touches it while booting), so a stand-in keeps these
 * specs free of PostgreSQL; the e2e suites boot against a real one.
 */
@Global()
@Module({ providers: [{ provide: DataSource, useValue: { options: { type: 'postgres' } } }], exports: [DataSource] })
class NoDatabaseModule {}

const testingModule = (...imports: NonNullable<ModuleMetadata['imports']>) => Test.createTestingModule({ imports: [NoDatabaseModule, ...imports] });

const SANDBOX: BaofooModuleOptions = {
  environment: 'sandbox',
  sandboxUrl: 'http://127.0.0.1:3100',
  merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'current', secret: 'abcdefg' }] }],
  notification: { allowedIps: ['127.0.0.1'] },
};

const TEST_GATEWAY: BaofooModuleOptions = { ...SANDBOX, environment: 'test', sandboxUrl: undefined };

const PRODUCTION: BaofooModuleOptions = {
  environment: 'production',
  merchants: [{ memberId: '100012345', terminalId: '10012345', keys: [{ id: 'k2025', secret: 'a-real-production-key-7Qz', storage: 'encrypted' }] }],
  boundDomains: ['shop.example.com'],
  notification: {
    path: '/baofoo/notify/9f2c61d07a3b4e5f',
    pagePath: '/baofoo/return',
    publicBaseUrl: 'https://shop.example.com',
    allowedIps: ['203.0.113.0/24'],
  },
};

/** The three ways an app hands the module its options; every behaviour below must hold for each. */
const BOOTS: [string, (options: BaofooModuleOptions) => DynamicModule][] = [
  ['forRoot', (options) => BaofooModule.forRoot(options)],
  [
    'forRootAsync with ConfigModule.forFeature',
    (options) => {
      const feature = registerAs('baofoo', () => options);
      return BaofooModule.forRootAsync({
        imports: [ConfigModule.forFeature(feature)],
        inject: [feature.KEY],
        useFactory: (o: BaofooModuleOptions) => o,
      });
    },
  ],
  [
    'forRootAsync with a plain factory',
    (options) => {
      const SOURCE = Symbol('options source');
      @Module({ providers: [{ provide: SOURCE, useValue: options }], exports: [SOURCE] })
      class OptionsSourceModule {}
      return BaofooModule.forRootAsync({ imports: [OptionsSourceModule], inject: [SOURCE], useFactory: async (o: BaofooModuleOptions) => o });
    },
  ],
];

const PAYMENT = {
  memberId: '100000178',
  terminalId: '10000001',
  payId: '3002',
  tradeDate: '20250314093015',
  transId: 'T2025031409301500001',
  orderMoney: 1,
  additionalInfo: '订单备注',
  pageUrl: 'https://shop.example.com/baofoo/return',
  returnUrl: 'https://shop.example.com/baofoo/notify/9f2c61d07a3b4e5f',
};

function withMerchant(options: BaofooModuleOptions, patch: Partial<BaofooModuleOptions['merchants'][number]>): BaofooModuleOptions {
  return { ...options, merchants: [{ ...options.merchants[0], ...patch }] };
}

function withNotification(options: BaofooModuleOptions, patch: BaofooModuleOptions['notification']): BaofooModuleOptions {
  return { ...options, notification: { ...options.notification, ...patch } };
}

async function refusal(module: DynamicModule): Promise<BaofooConfigError> {
  const error = await testingModule(module)
    .compile()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(BaofooConfigError);
  return error as BaofooConfigError;
}

describe.each(BOOTS)('BaofooModule booted with %s', (_name, boot) => {
  /** The signer of a module booted at `now`; `later`, when given, is where its clock stands afterwards. */
  async function signerFor(options: BaofooModuleOptions, now?: Date, later?: Date): Promise<BaofooSigner> {
    const builder = testingModule(boot(options));
    let booted = false;
    if (now) builder.overrideProvider(BAOFOO_CLOCK).useValue(() => (booted && later ? later : now));
    const signer = (await builder.compile()).get(BaofooSigner);
    booted = true;
    return signer;
  }

  it('signs a payment form whose Signature is the md5 of the spec string ending with the key', async () => {
    const form = (await signerFor(SANDBOX)).paymentForm(PAYMENT);

    const expected = md5(
      ['100000178', '3002', '20250314093015', 'T2025031409301500001', '1', PAYMENT.pageUrl, PAYMENT.returnUrl, '1', 'abcdefg'].join('|'),
    );
    expect(form.fields.Signature).toBe(expected);
    expect(form.fields).toMatchObject({ MemberID: '100000178', TerminalID: '10000001', InterfaceVersion: '4.0', KeyType: '1', NoticeType: '1', OrderMoney: '1' });
  });

  it.each([
    ['sandbox', SANDBOX, 'http://127.0.0.1:3100/payindex'],
    ['test', TEST_GATEWAY, 'https://vgw.baofoo.com/payindex'],
    ['production', PRODUCTION, 'https://gw.baofoo.com/payindex'],
  ])('posts the payment form of the %s environment to its gateway', async (_env, options, action) => {
    const ids = { memberId: options.merchants[0].memberId, terminalId: options.merchants[0].terminalId };
    const form = (await signerFor(options)).paymentForm({ ...PAYMENT, ...ids });

    expect(form.action).toBe(action);
    expect(form.html).toContain(`action="${action}"`);
  });

  it.each<[string, BaofooModuleOptions, RegExp]>([
    ['the published test MemberID 100000178', withMerchant(PRODUCTION, { memberId: '100000178' }), /^merchants\.0\.memberId: merchant 100000178 is the gateway's published test merchant: set your production MemberID/],
    ['the published test key abcdefg', withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: 'abcdefg', storage: 'encrypted' }] }), /^merchants\.0\.keys\.0\.secret: merchant 100012345 uses the published test key: set your production key/],
    ['a sandboxUrl', { ...PRODUCTION, sandboxUrl: 'http://127.0.0.1:3100' }, /^sandboxUrl is set in production: remove it/],
    ['a vgw.baofoo.com URL', withNotification(PRODUCTION, { pageRedirectUrl: 'https://vgw.baofoo.com/return' }), /test host: production must use https:\/\/gw\.baofoo\.com/],
    ['no bound domains', { ...PRODUCTION, boundDomains: [] }, /^boundDomains is empty: set it to the domains the gateway has bound/],
    ['a public address off the bound domains', withNotification(PRODUCTION, { publicBaseUrl: 'https://shop.example.net' }), /^notification\.publicBaseUrl \(env BAOFOO_PUBLIC_BASE_URL\) https:\/\/shop\.example\.net is not on a bound domain of boundDomains \(env BAOFOO_BOUND_DOMAINS\): shop\.example\.com\. .*set it to the shop's address on a bound domain/],
    ['a plain-http publicBaseUrl', withNotification(PRODUCTION, { publicBaseUrl: 'http://shop.example.com' }), /^notification\.publicBaseUrl http:\/\/shop\.example\.com is not https/],
    ['an empty key', withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: '', storage: 'encrypted' }] }), /^merchants\.0\.keys\.0\.secret: is empty: set the key/],
    ['a merchant without keys', withMerchant(PRODUCTION, { keys: [] }), /^merchants\.0\.keys: a merchant needs at least one key/],
    ['no merchants', { ...PRODUCTION, merchants: [] }, /^merchants: no merchant is configured: .*or merchants in the module options/],
    ['an empty notifier IP allowlist', withNotification(PRODUCTION, { allowedIps: [] }), /^notification\.allowedIps is empty \(the notifier IP allowlist\): set it/],
    ['a key in plain text', withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: 'a-real-production-key-7Qz' }] }), /key k of merchant 100012345 is given in plain text: .*set BAOFOO_KEY_ENCRYPTED/],
    ['a plain key file', withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: 'a-real-production-key-7Qz', storage: 'file' }] }), /plain file: .*keyFileIsMountedSecret=true/],
    [
      'a master key read from the env file that holds the ciphertext',
      withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: 'a-real-production-key-7Qz', storage: 'encrypted', masterKeyBeside: true }] }),
      /same env file as its ciphertext.*remove BAOFOO_MASTER_KEY from the file/,
    ],
    ['the default notification path', withNotification(PRODUCTION, { path: undefined }), /default \/baofoo\/notify: keep the notification address secret .*openssl rand -hex 16/],
    ['a notification path without a secret segment', withNotification(PRODUCTION, { path: '/baofoo/notify/abc' }), /no secret segment of at least 16 characters/],
    ['no publicBaseUrl', withNotification(PRODUCTION, { publicBaseUrl: undefined }), /^notification\.publicBaseUrl is not set: set it to the https:\/\/ address/],
  ])('refuses to boot in production with %s, saying how to fix it', async (_rail, options, fix) => {
    const error = await refusal(boot(options));

    expect(error.code).toBe('CONFIG_INVALID');
    // Exactly one problem: this rail alone stops the boot.
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(fix);
  });

  it('boots in production with a plain key file once it is acknowledged as a mounted secret', async () => {
    const options = { ...withMerchant(PRODUCTION, { keys: [{ id: 'k', secret: 'a-real-production-key-7Qz', storage: 'file' }] }), keyFileIsMountedSecret: true };
    const moduleRef = await testingModule(boot(options)).compile();
    expect(moduleRef.get(BaofooSigner)).toBeInstanceOf(BaofooSigner);
    await moduleRef.close();
  });

  it('refuses a key whose retirement time is already past by the module clock', async () => {
    const options = withMerchant(PRODUCTION, { keys: [PRODUCTION.merchants[0].keys[0], { id: 'old', secret: 'the-old-key-9Xy', storage: 'encrypted', retiresAt: '2020-01-01T00:00:00+08:00' }] });
    const error = await refusal(boot(options));
    expect(error.problems).toEqual([expect.stringMatching(/^merchants\.0\.keys\.1\.retiresAt: key old of merchant 100012345\/10012345 retired at 2019-12-31T16:00:00.000Z, already past: remove the key/)]);
  });

  it('refuses a key id the ledger could not record, saying how long it may be', async () => {
    const error = await refusal(boot(withMerchant(SANDBOX, { keys: [{ id: 'k'.repeat(65), secret: 'abcdefg' }] })));

    expect(error.message).toMatch(/merchants\.0\.keys\.0\.id: is longer than 64 characters \(the ledger keeps 64\)/);
  });

  it('names the variables of options read from the environment, as the module receives them', async () => {
    const env = { BAOFOO_ENV: 'sandbox', BAOFOO_SANDBOX_URL: 'http://127.0.0.1:3100', BAOFOO_MEMBER_ID: '100000178', BAOFOO_TERMINAL_ID: '10000001', BAOFOO_KEY: 'abcdefg' };
    const options = baofooOptionsFromEnv({ ...env, BAOFOO_MAX_BODY_BYTES: 'abc', BAOFOO_RECONCILE_ENABLED: 'ture' });
    const error = await refusal(boot({ ...options, isGlobal: true } as BaofooModuleOptions));

    expect(error.problems).toEqual([
      'BAOFOO_MAX_BODY_BYTES: must be a whole number from 512 to 1048576, not "abc"',
      'BAOFOO_RECONCILE_ENABLED: must be true or false (in the environment: true/1/yes/on or false/0/no/off), not "ture"',
    ]);
  });

  it('refuses the sandbox environment without a sandboxUrl', async () => {
    const error = await refusal(boot({ ...SANDBOX, sandboxUrl: undefined }));

    expect(error.message).toMatch(/environment is sandbox: set sandboxUrl to the sandbox gateway's address, e\.g\. http:\/\/127\.0\.0\.1:3100/);
  });

  it.each([
    ['the same path', '/baofoo/back'],
    ['a path the router serves alike (case, trailing slash)', '/Baofoo/Back/'],
  ])('refuses %s for the notification and the page return', async (_case, pagePath) => {
    const error = await refusal(boot(withNotification(SANDBOX, { path: '/baofoo/back', pagePath })));

    expect(error.message).toMatch(/notification\.path and notification\.pagePath must differ/);
  });

  describe('with a rotated key', () => {
    const RETIRES_AT = '2025-07-01T00:00:00+08:00';
    const rotated = withMerchant(SANDBOX, {
      keys: [
        { id: 'k2025', secret: 'the-new-key' },
        { id: 'k2024', secret: 'the-old-key', retiresAt: RETIRES_AT },
      ],
    });
    const signed = {
      MemberID: '100000178',
      TerminalID: '10000001',
      TransID: 'T2025063012000000001',
      Result: '1',
      ResultDesc: '01',
      FactMoney: '100',
      AdditionalInfo: '',
      SuccTime: '20250630235959',
    };
    const signedWithOldKey = {
      ...signed,
      Md5Sign: md5(`${Object.entries(signed).map(([k, v]) => `${k}=${v}`).join('~|~')}~|~Md5Sign=the-old-key`),
    };

    it('verifies a notification signed with the previous key before the key retires', async () => {
      const signer = await signerFor(rotated, new Date('2025-06-30T23:59:59+08:00'));

      expect(signer.checkPaymentResult(signedWithOldKey)).toEqual({ valid: true, keyId: 'k2024', merchantKnown: true, triedKeyIds: ['k2025', 'k2024'] });
    });

    it('refuses a notification signed with the previous key from the moment the key retires', async () => {
      const bootedAt = new Date('2025-06-30T12:00:00+08:00');
      const atRetirement = await signerFor(rotated, bootedAt, new Date(RETIRES_AT));
      const later = await signerFor(rotated, bootedAt, new Date('2025-08-01T00:00:00+08:00'));

      expect(atRetirement.checkPaymentResult(signedWithOldKey)).toEqual({ valid: false, keyId: undefined, merchantKnown: true, triedKeyIds: ['k2025'] });
      expect(later.checkPaymentResult(signedWithOldKey).valid).toBe(false);
    });

    it('signs payment requests with the current key only', async () => {
      const form = (await signerFor(rotated, new Date('2025-06-01T00:00:00+08:00'))).paymentForm(PAYMENT);

      expect(form.fields.Signature).toBe(
        md5(['100000178', '3002', '20250314093015', 'T2025031409301500001', '1', PAYMENT.pageUrl, PAYMENT.returnUrl, '1', 'the-new-key'].join('|')),
      );
    });
  });
});

describe.each<[string, (options: BaofooModuleOptions) => DynamicModule]>([
  ['forRoot', (options) => BaofooModule.forRoot({ ...options, isGlobal: true })],
  ['forRootAsync', (options) => BaofooModule.forRootAsync({ isGlobal: true, useFactory: () => options })],
])('BaofooBoardModule beside BaofooModule booted with %s', (_name, boot) => {
    it('refuses to boot in production with the operator board mounted without a guard, saying how to guard it', async () => {
      const error = await testingModule(boot(PRODUCTION), BaofooBoardModule.register({ path: 'admin' }))
        .compile()
        .then(
          () => undefined,
          (e: unknown) => e,
        );

      expect(error).toBeInstanceOf(BaofooConfigError);
      expect((error as BaofooConfigError).problems).toEqual([expect.stringMatching(/operator board at \/admin has no guard.*guards: \[AdminGuard\].*appGuarded: true/)]);
    });

    it.each<[string, Parameters<typeof BaofooBoardModule.register>[0], BaofooModuleOptions]>([
      ['with a guard in production', { guards: [{ canActivate: () => false }] }, PRODUCTION],
      ['with appGuarded in production', { appGuarded: true }, PRODUCTION],
      ['without a guard outside production', {}, SANDBOX],
    ])('boots with the operator board mounted %s', async (_case, board, options) => {
      const moduleRef = await testingModule(boot(options), BaofooBoardModule.register(board)).compile();

      expect(moduleRef.get(BaofooSigner)).toBeInstanceOf(BaofooSigner);
      await moduleRef.close();
    });
});

describe('BaofooModule with isGlobal', () => {
  @Injectable()
  class Checkout {
    constructor(@Inject(BaofooSigner) readonly signer: BaofooSigner) {}
  }

  // Imports nothing: the signer can only reach it through a global module.
  @Module({ providers: [Checkout], exports: [Checkout] })
  class ShopModule {}

  it.each<[string, DynamicModule]>([
    ['forRoot', BaofooModule.forRoot({ ...SANDBOX, isGlobal: true })],
    ['forRootAsync', BaofooModule.forRootAsync({ isGlobal: true, useFactory: () => SANDBOX })],
  ])('lets another module inject BaofooSigner when booted with %s', async (_name, baofoo) => {
    const app = await testingModule(baofoo, ShopModule).compile();

    expect(app.get(Checkout).signer).toBeInstanceOf(BaofooSigner);
    expect(app.get(Checkout).signer).toBe(app.get(BaofooSigner));
  });

  it('keeps BaofooSigner out of other modules when isGlobal is not set', async () => {
    const compiling = testingModule(BaofooModule.forRoot(SANDBOX), ShopModule).compile();

    await expect(compiling).rejects.toThrow(/Checkout/);
  });
});

describe('BaofooModule configured from config/development.env through baofooConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('boots on the sandbox with the published test merchant', async () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('BAOFOO_')) delete process.env[name];
    Object.assign(process.env, parseEnv(readFileSync(new URL('../../config/development.env', import.meta.url), 'utf8')));

    const app = await testingModule(
      BaofooModule.forRootAsync({ imports: [ConfigModule.forFeature(baofooConfig)], inject: [baofooConfig.KEY], useFactory: (o: BaofooModuleOptions) => o }),
    ).compile();
    const form = app.get(BaofooSigner).paymentForm({ ...PAYMENT, pageUrl: 'http://127.0.0.1:3000/baofoo/return', returnUrl: 'http://127.0.0.1:3000/baofoo/notify' });

    expect(form.action).toBe('http://127.0.0.1:3100/payindex');
    expect(form.fields.Signature).toBe(
      md5(['100000178', '3002', '20250314093015', 'T2025031409301500001', '1', 'http://127.0.0.1:3000/baofoo/return', 'http://127.0.0.1:3000/baofoo/notify', '1', 'abcdefg'].join('|')),
    );
  });
});
