import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BaofooOperationsOptions } from './operations-options.ts';

export const {
  ConfigurableModuleClass: BaofooOperationsConfigurableModule,
  MODULE_OPTIONS_TOKEN: BAOFOO_OPERATIONS_OPTIONS,
  OPTIONS_TYPE: BAOFOO_OPERATIONS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BAOFOO_OPERATIONS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BaofooOperationsOptions>({ moduleName: 'BaofooOperations' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
