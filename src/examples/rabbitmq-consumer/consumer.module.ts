import { Module } from '@nestjs/common';
import pg from 'pg';
import { BaofooEventsController } from './baofoo-events.controller.ts';
import { RETRY_DELAY_MS } from './consumer.constants.ts';
import { CONSUMER_OPTIONS, ConfigurableModuleClass, type ConsumerModuleOptions } from './consumer.module-definition.ts';
import { ReceivedEventsStore } from './received-events.store.ts';

/** A second app, elsewhere: it knows the bridge only by its exchange and message format, not by the module. */
@Module({
  controllers: [BaofooEventsController],
  providers: [
    {
      provide: ReceivedEventsStore,
      inject: [CONSUMER_OPTIONS],
      useFactory: async (o: ConsumerModuleOptions) => {
        const store = new ReceivedEventsStore(new pg.Pool({ connectionString: o.databaseUrl, max: 4 }));
        await store.createTable();
        return store;
      },
    },
    { provide: RETRY_DELAY_MS, inject: [CONSUMER_OPTIONS], useFactory: (o: ConsumerModuleOptions) => o.retryDelayMs ?? 1000 },
  ],
})
export class ConsumerModule extends ConfigurableModuleClass {}
