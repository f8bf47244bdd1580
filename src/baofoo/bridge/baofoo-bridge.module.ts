import { Module } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BAOFOO_BRIDGE_OPTIONS, BaofooBridgeConfigurableModule } from './baofoo-bridge.module-definition.ts';
import { resolveBridgeOptions, type BaofooBridgeOptions } from './bridge-options.ts';
import { BAOFOO_BRIDGE_RESOLVED } from './bridge.constants.ts';
import { OutboxBridge } from './outbox-bridge.service.ts';

/**
 * Publishes the outbox's events to RabbitMQ with publisher confirms, at least
 * once and in each order's commit order (`OutboxBridge`):
 * `BaofooBridgeModule.forRoot({ url: 'amqps://…' })` or `forRootAsync`, with
 * the URL from `BAOFOO_BRIDGE_AMQP_URL` when the options name none.
 *
 * Import `BaofooModule` with `isGlobal: true` (the bridge uses its database)
 * and install `amqplib` (an optional peer). A module of its own, not an
 * option of the events block, so that apps without a broker never load amqplib.
 */
@Module({
  providers: [
    {
      provide: BAOFOO_BRIDGE_RESOLVED,
      useFactory: (options: BaofooBridgeOptions, baofoo: ResolvedBaofooOptions) => resolveBridgeOptions(options, process.env, baofoo.environment === 'production'),
      inject: [BAOFOO_BRIDGE_OPTIONS, BAOFOO_OPTIONS],
    },
    OutboxBridge,
  ],
  exports: [OutboxBridge],
})
export class BaofooBridgeModule extends BaofooBridgeConfigurableModule {}
