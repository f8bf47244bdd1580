import { ConfigurableModuleBuilder } from '@nestjs/common';
import { BAOFOO_OPTIONS, BAOFOO_ROUTES } from './baofoo.constants.ts';
import { bindRoutes, routeControllers } from './baofoo-routes.ts';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';
import type { ResolvedBaofooOptions } from './config/resolved-options.ts';

export const {
  ConfigurableModuleClass: BaofooConfigurableModule,
  MODULE_OPTIONS_TOKEN: BAOFOO_MODULE_OPTIONS,
  OPTIONS_TYPE: BAOFOO_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BAOFOO_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BaofooModuleOptions>({ moduleName: 'Baofoo' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => {
    const controllers = routeControllers();
    return {
      ...definition,
      global: extras.isGlobal,
      controllers: [...(definition.controllers ?? []), controllers.notification, controllers.pageReturn],
      providers: [
        ...(definition.providers ?? []),
        { provide: BAOFOO_ROUTES, useFactory: (o: ResolvedBaofooOptions) => bindRoutes(controllers, o), inject: [BAOFOO_OPTIONS] },
      ],
    };
  })
  .build();
