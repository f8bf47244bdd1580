import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BAOFOO_CLOCK } from '../baofoo.constants.ts';
import { BaofooObservation } from '../common/observation/baofoo-observation.ts';
import { NO_OBSERVER } from '../common/observation/baofoo-observer.ts';
import { bothObservers } from '../common/observation/composite-observer.ts';
import { OutboxRelay } from '../events/outbox-relay.service.ts';
import { BAOFOO_OPERATIONS_OPTIONS } from '../operations/baofoo-operations.module-definition.ts';
import type { BaofooOperationsOptions } from '../operations/operations-options.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { openTelemetrySpans, untraced } from '../tracing/baofoo-tracer.ts';
import { tracingObserver } from '../tracing/tracing-observer.ts';
import { prometheusMetrics } from './baofoo-metrics.ts';
import { metricsObserver } from './metrics-observer.ts';
import { MetricsReader } from './metrics.reader.ts';

/**
 * Installs the module's observer when the app boots: spans around metrics
 * when both are on, either alone, or nothing. With metrics off and no
 * `@opentelemetry/api` (or `tracing: false`) the services keep the no-op.
 */
@Injectable()
export class BaofooInstrumentation implements OnModuleInit {
  private readonly logger = new Logger('BaofooOperations');

  constructor(
    @Inject(BAOFOO_OPERATIONS_OPTIONS) private readonly options: BaofooOperationsOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
    private readonly reader: MetricsReader,
    private readonly relay: OutboxRelay,
    private readonly observation: BaofooObservation,
  ) {}

  async onModuleInit(): Promise<void> {
    const m = this.options.metrics;
    const setup = m === true ? {} : m || null;
    const metrics = setup
      ? metricsObserver(
          await prometheusMetrics({
            registry: setup.registry,
            prefix: setup.prefix ?? 'baofoo_',
            gaugeCacheMs: setup.gaugeCacheMs ?? 10_000,
            readGauges: () => this.reader.read(this.clock()),
            lagP99Ms: () => this.relay.lagP99Ms(),
          }),
        )
      : NO_OBSERVER;
    const spans = this.options.tracing === false ? untraced : await openTelemetrySpans();
    const observer = bothObservers(spans === untraced ? NO_OBSERVER : tracingObserver(spans), metrics);
    if (observer === NO_OBSERVER) return;
    this.observation.observer = observer;
    this.logger.log(`observing with ${[spans !== untraced && 'spans', setup && 'metrics'].filter(Boolean).join(' and ')}`);
  }
}
