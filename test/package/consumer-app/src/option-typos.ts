import { BaofooModule, type BaofooModuleOptions } from 'nestjs-baofoo';

/**
 * Never called: compiled with the app, against the installed declarations. Each `@ts-expect-error`
 * fails the build if the line below it compiles, so a misspelt option returned by `useFactory` is caught.
 */
export function misspeltOptions(options: BaofooModuleOptions): unknown[] {
  return [
    // @ts-expect-error `notifcation` is not an option
    BaofooModule.forRootAsync({ useFactory: () => ({ ...options, notifcation: {} }) }),
    // @ts-expect-error `publicBaseUrll` is not a notification option
    BaofooModule.forRootAsync({ useFactory: async () => ({ ...options, notification: { publicBaseUrll: 'https://shop.example' } }) }),
  ];
}
