import type { Provider } from '@nestjs/common';
import { EventListenerRegistry } from './event-listener-registry.service.ts';
import { DEFAULT_OUTBOX_TUNING, BAOFOO_OUTBOX_TUNING } from './outbox.constants.ts';
import { OutboxAdminService } from './outbox-admin.service.ts';
import { OutboxMonitor } from './outbox-monitor.service.ts';
import { OutboxRelay } from './outbox-relay.service.ts';
import { OutboxSignal } from './outbox-signal.ts';

/** What BaofooModule provides for events (it also imports DiscoveryModule for the listener registry). */
export const BAOFOO_EVENT_PROVIDERS: Provider[] = [
  { provide: BAOFOO_OUTBOX_TUNING, useValue: DEFAULT_OUTBOX_TUNING },
  EventListenerRegistry,
  OutboxSignal,
  OutboxRelay,
  OutboxMonitor,
  OutboxAdminService,
];

export const BAOFOO_EVENT_EXPORTS = [OutboxRelay, OutboxMonitor, OutboxAdminService];
