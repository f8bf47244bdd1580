import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BAOFOO_CLOCK } from '../baofoo.constants.ts';
import { OutboxRelay } from '../events/outbox-relay.service.ts';
import { NotificationService } from '../notifications/notification.service.ts';
import { RefusalRecorder } from '../notifications/refusal.recorder.ts';
import { BAOFOO_OPERATIONS_OPTIONS } from '../operations/baofoo-operations.module-definition.ts';
import type { BaofooOperationsOptions } from '../operations/operations-options.ts';
import { PaymentOrderRepository } from '../orders/payment-order.repository.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { GatewayQueryClient } from '../reconciliation/gateway-query.client.ts';
import { ReconciliationService } from '../reconciliation/reconciliation.service.ts';
import { openTelemetrySpans, untraced } from '../tracing/baofoo-tracer.ts';
import { NO_METRICS, prometheusMetrics } from './baofoo-metrics.ts';
import { instrumentBaofoo } from './instrument-baofoo.ts';
import { MetricsReader } from './metrics.reader.ts';

/**
 * Installs metrics and spans on the module's services when the app boots.
 * With metrics off and no `@opentelemetry/api` (or `tracing: false`) it
 * installs nothing: the services run exactly as they would without it.
 */
@Injectable()
export class BaofooInstrumentation implements OnModuleInit {
  private readonly logger = new Logger('BaofooOperations');
  /** The service methods observed (`Class.method`), for a test or a log line. */
  wrapped: string[] = [];

  constructor(
    @Inject(BAOFOO_OPERATIONS_OPTIONS) private readonly options: BaofooOperationsOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly reader: MetricsReader,
    private readonly notifications: NotificationService,
    private readonly refusals: RefusalRecorder,
    private readonly orders: PaymentOrderRepository,
    private readonly reconciliation: ReconciliationService,
    private readonly gateway: GatewayQueryClient,
    private readonly relay: OutboxRelay,
  ) {}

  async onModuleInit(): Promise<void> {
    const m = this.options.metrics;
    const setup = m === true ? {} : m || null;
    const metrics = setup
      ? await prometheusMetrics({
          registry: setup.registry,
          prefix: setup.prefix ?? 'baofoo_',
          gaugeCacheMs: setup.gaugeCacheMs ?? 10_000,
          readGauges: () => this.reader.read(this.clock()),
          lagP99Ms: () => this.relay.lagP99Ms(),
        })
      : NO_METRICS;
    const spans = this.options.tracing === false ? untraced : await openTelemetrySpans();
    if (metrics === NO_METRICS && spans === untraced) return;
    const { notifications, refusals, orders, reconciliation, gateway, relay } = this;
    this.wrapped = instrumentBaofoo({ notifications, refusals, orders, reconciliation, gateway, relay }, metrics, spans);
    this.logger.log(`observing ${this.wrapped.join(', ')}${setup ? ' (metrics on)' : ''}`);
  }
}
