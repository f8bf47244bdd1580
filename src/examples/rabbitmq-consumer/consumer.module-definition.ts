import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface ConsumerModuleOptions {
  /** Where the consumer records what it received (its own database in real life). */
  databaseUrl: string;
  /** Pause before a message that could not be recorded goes back to the queue, in ms. Default 1000. */
  retryDelayMs?: number;
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: CONSUMER_OPTIONS } = new ConfigurableModuleBuilder<ConsumerModuleOptions>().setClassMethodName('forRoot').build();
