import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BaofooBridgeOptions } from './bridge-options.ts';

export const {
  ConfigurableModuleClass: BaofooBridgeConfigurableModule,
  MODULE_OPTIONS_TOKEN: BAOFOO_BRIDGE_OPTIONS,
  OPTIONS_TYPE: BAOFOO_BRIDGE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BAOFOO_BRIDGE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BaofooBridgeOptions>({ moduleName: 'BaofooBridge' }).setClassMethodName('forRoot').build();
