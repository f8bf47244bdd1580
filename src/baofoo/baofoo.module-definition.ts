import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { BAOFOO_OPTIONS, BAOFOO_ROUTES } from './baofoo.constants.ts';
import { bindRoutes, routeControllers } from './baofoo-routes.ts';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';
import type { Exact } from './config/exact-options.ts';
import type { ResolvedBaofooOptions } from './config/resolved-options.ts';
import { BAOFOO_DATA_SOURCE } from './database/baofoo-database.provider.ts';

/** Module-definition options beside the Baofoo options, for `forRoot` and `forRootAsync` alike. */
export interface BaofooModuleExtras {
  /** Share the module app-wide. Default false. */
  isGlobal?: boolean;
  /** Name of the app's TypeORM DataSource to connect like (`TypeOrmModule.forRoot({ name })`); the default DataSource when absent. */
  dataSource?: string;
}

/**
 * `forRootAsync`'s options: Nest's, with a factory whose result must have no property the options do
 * not have (config/exact-options.ts); `T` is what the factory returns.
 */
export type BaofooModuleAsyncOptions<T extends BaofooModuleOptions = BaofooModuleOptions> = Omit<typeof BAOFOO_ASYNC_OPTIONS_TYPE, 'useFactory'> & {
  // `any[]` as in Nest's own type: the factory gets whatever `inject` names.
  useFactory?: (...args: any[]) => Exact<BaofooModuleOptions, T> | Promise<Exact<BaofooModuleOptions, T>>;
};

export const {
  ConfigurableModuleClass: BaofooConfigurableModule,
  MODULE_OPTIONS_TOKEN: BAOFOO_MODULE_OPTIONS,
  OPTIONS_TYPE: BAOFOO_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BAOFOO_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BaofooModuleOptions>({ moduleName: 'Baofoo' })
  .setClassMethodName('forRoot')
  .setExtras<BaofooModuleExtras>({ isGlobal: false, dataSource: undefined }, (definition, extras) => {
    const controllers = routeControllers();
    return {
      ...definition,
      global: extras.isGlobal,
      controllers: [...(definition.controllers ?? []), controllers.notification, controllers.pageReturn],
      providers: [
        ...(definition.providers ?? []),
        { provide: BAOFOO_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) },
        { provide: BAOFOO_ROUTES, useFactory: (o: ResolvedBaofooOptions) => bindRoutes(controllers, o), inject: [BAOFOO_OPTIONS] },
      ],
    };
  })
  .build();
