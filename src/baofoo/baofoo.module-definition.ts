import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';

export const {
  ConfigurableModuleClass: BaofooConfigurableModule,
  MODULE_OPTIONS_TOKEN: BAOFOO_MODULE_OPTIONS,
  OPTIONS_TYPE: BAOFOO_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BAOFOO_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BaofooModuleOptions>({ moduleName: 'Baofoo' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
