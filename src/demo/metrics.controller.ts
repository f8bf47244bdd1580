import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { register } from 'prom-client';
import { AllowedHostGuard } from '../baofoo/board/allowed-host.guard.ts';

/**
 * The app's /metrics: prom-client's default registry, where
 * BaofooOperationsModule registers its metrics by default. An app with
 * `@willsoto/nestjs-prometheus` gets the same from its PrometheusModule.
 * Answered only on the board's allowed host names (BaofooBoardModule exports the guard).
 */
@Controller('metrics')
@UseGuards(AllowedHostGuard)
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
