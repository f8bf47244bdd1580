// Compiled by `npm run typecheck`, never run: each `@ts-expect-error` fails the typecheck if the line
// below it stops being a type error, so a misspelt option returned by `useFactory` stays caught.
import type { ConfigType } from '@nestjs/config';
import { BaofooModule, baofooConfig, type BaofooModuleOptions } from '../../src/baofoo/index.ts';

declare const options: BaofooModuleOptions;

export function factoryResults(): unknown[] {
  return [
    // @ts-expect-error a misspelt top-level option
    BaofooModule.forRootAsync({ useFactory: () => ({ ...options, notifcation: {} }) }),
    // @ts-expect-error a misspelt nested option, from an async factory
    BaofooModule.forRootAsync({ useFactory: async () => ({ ...options, notification: { ...options.notification, publicBaseUrll: 'https://shop.example' } }) }),
    // @ts-expect-error a misspelt option inside an array
    BaofooModule.forRootAsync({ useFactory: () => ({ ...options, merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secrett: 'x', secret: 'y' }] }] }) }),
    // @ts-expect-error a misspelt option beside the options read from the environment
    BaofooModule.forRootAsync({ inject: [baofooConfig.KEY], useFactory: (config: ConfigType<typeof baofooConfig>) => ({ ...config, reconcilation: { enabled: false } }) }),
    // What is right compiles: the README's factory, injected options, Dates, free-form route metadata values.
    BaofooModule.forRootAsync({ inject: [baofooConfig.KEY], useFactory: (config) => config, isGlobal: true }),
    BaofooModule.forRootAsync({ inject: [baofooConfig.KEY], useFactory: (config: ConfigType<typeof baofooConfig>) => ({ ...config, reconciliation: { enabled: false } }) }),
    BaofooModule.forRootAsync({ inject: ['OPTIONS'], useFactory: (injected: BaofooModuleOptions) => injected, isGlobal: true }),
    BaofooModule.forRootAsync({
      useFactory: async () => ({
        environment: 'sandbox' as const,
        merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'y', retiresAt: new Date(0) }] }],
        notification: { publicBaseUrl: 'https://shop.example', routeMetadata: [['isPublic', { any: 'shape' }] as const] },
      }),
    }),
  ];
}
