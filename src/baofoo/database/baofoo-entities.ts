import { EventDeliveryEntity } from '../events/event-delivery.entity.ts';
import { OutboxEventEntity } from '../events/outbox-event.entity.ts';
import { NotificationLedgerEntity } from '../notifications/notification-ledger.entity.ts';
import { RefusalCountEntity } from '../notifications/refusal-count.entity.ts';
import { NotificationLedgerArchiveEntity } from '../operations/notification-ledger-archive.entity.ts';
import { PaymentOrderEntity } from '../orders/payment-order.entity.ts';
import { QueryBudgetEntity } from '../reconciliation/query-budget.entity.ts';

/** Add these to your TypeORM `entities` (or `autoLoadEntities: true`). */
export const BAOFOO_ENTITIES = [PaymentOrderEntity, NotificationLedgerEntity, OutboxEventEntity, EventDeliveryEntity, RefusalCountEntity, QueryBudgetEntity, NotificationLedgerArchiveEntity];
