import type { Provider } from '@nestjs/common';
import { GatewayQueryClient } from './gateway-query.client.ts';
import { QueryAnswerApplier } from './query-answer.applier.ts';
import { QueryBudgetStore } from './query-budget.store.ts';
import { ReconciliationCron } from './reconciliation.cron.ts';
import { ReconciliationService } from './reconciliation.service.ts';

/** What BaofooModule provides for reconciliation. */
export const RECONCILIATION_PROVIDERS: Provider[] = [GatewayQueryClient, QueryAnswerApplier, QueryBudgetStore, ReconciliationService, ReconciliationCron];

/** What apps may inject: runOnce/reconcile, and the query client. */
export const RECONCILIATION_EXPORTS = [GatewayQueryClient, ReconciliationService];
