import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/**
 * The app's /metrics: prom-client's default registry, where
 * BaofooOperationsModule registers its metrics by default. An app with
 * `@willsoto/nestjs-prometheus` gets the same from its PrometheusModule.
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
