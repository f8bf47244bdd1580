import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooBoardModule } from '../baofoo/board/baofoo-board.module.ts';
import { BaofooModule } from '../baofoo/baofoo.module.ts';
import { BaofooBridgeModule } from '../baofoo/bridge/baofoo-bridge.module.ts';
import { baofooConfig } from '../baofoo/config/baofoo-env.config.ts';
import { baofooPostgresOptions } from '../baofoo/database/postgres-options.ts';
import { BaofooOperationsModule } from '../baofoo/operations/baofoo-operations.module.ts';
import { BaofooHealthIndicator } from '../baofoo/health/baofoo.health-indicator.ts';
import { CheckoutService } from './checkout.service.ts';
import { DEMO_MIGRATIONS } from './demo-migrations.ts';
import { DEMO_RUNTIME, demoBaofooOptions, type DemoRuntime } from './demo-runtime.ts';
import { FulfilmentListener } from './fulfilment.listener.ts';
import { FulfilmentService } from './fulfilment.service.ts';
import { HealthController } from './health.controller.ts';
import { LoopbackAdminGuard } from './loopback-admin.guard.ts';
import { MetricsController } from './metrics.controller.ts';
import { OrderViewService } from './order-view.service.ts';
import { OrdersApiController } from './orders-api.controller.ts';
import { ShopController } from './shop.controller.ts';

/**
 * The example merchant app, wired the way a real app would be: options from
 * ConfigModule (config/<NODE_ENV>.env), the database from TypeORM.
 * `configModule` is the app's `ConfigModule.forRoot({ isGlobal: true, load: [baofooConfig] })`.
 */
@Module({})
export class DemoModule {
  static register(configModule: DynamicModule, runtime: DemoRuntime): DynamicModule {
    const runtimeProvider = { provide: DEMO_RUNTIME, useValue: runtime };
    return {
      module: DemoModule,
      imports: [
        configModule,
        TypeOrmModule.forRoot({ ...baofooPostgresOptions({ url: runtime.databaseUrl, connectTimeoutMs: runtime.databaseConnectTimeoutMs }), migrations: DEMO_MIGRATIONS }),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        BaofooModule.forRootAsync({
          isGlobal: true,
          inject: [baofooConfig.KEY],
          useFactory: (fromEnv: ConfigType<typeof baofooConfig>) => demoBaofooOptions(fromEnv, runtime),
        }),
        BaofooOperationsModule.forRoot({ metrics: true }),
        // The loopback guard checks who connects; allowedHosts checks the name the browser used (a rebinding page's is its own).
        BaofooBoardModule.register({ path: 'admin', guards: [LoopbackAdminGuard], allowedHosts: ['localhost', '127.0.0.1', '[::1]'] }),
        // Only with a broker: amqplib is an optional peer, and an app without one never loads it.
        ...(runtime.bridgeUrl ? [BaofooBridgeModule.forRoot({ url: runtime.bridgeUrl })] : []),
      ],
      controllers: [ShopController, OrdersApiController, HealthController, MetricsController],
      providers: [runtimeProvider, CheckoutService, OrderViewService, FulfilmentService, FulfilmentListener, BaofooHealthIndicator],
    };
  }
}
