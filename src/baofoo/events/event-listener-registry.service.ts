import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { deliverySettings, type DeliverySettings } from './delivery-settings.ts';
import type { BaofooEvent } from './baofoo-events.ts';
import { BAOFOO_EVENT_LISTENER, type BaofooDeliveryContext, type BaofooListenerMetadata } from './on-baofoo-event.decorator.ts';

/** One `@OnBaofooEvent` method, known by its stable name. */
export interface RegisteredListener {
  readonly id: string;
  readonly events: readonly string[];
  /** The module's `outbox.delivery` with the listener's own settings over it. */
  readonly delivery: DeliverySettings;
  invoke(event: BaofooEvent, context: BaofooDeliveryContext): Promise<unknown>;
}

/**
 * Finds every `@OnBaofooEvent` method of the app's providers once the app is
 * built, so the relay can call and record each listener on its own.
 */
@Injectable()
export class EventListenerRegistry {
  private readonly logger = new Logger('BaofooEvents');
  private byEvent: Map<string, RegisteredListener[]> | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(BAOFOO_OPTIONS) private readonly options: Pick<ResolvedBaofooOptions, 'outbox'>,
  ) {}

  /** Listeners of `type`, in a stable order. */
  listenersFor(type: string): readonly RegisteredListener[] {
    return this.load().get(type) ?? [];
  }

  all(): RegisteredListener[] {
    return [...new Set([...this.load().values()].flat())];
  }

  private load(): Map<string, RegisteredListener[]> {
    if (this.byEvent) return this.byEvent;
    const ids = new Map<string, string>();
    const byEvent = new Map<string, RegisteredListener[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || wrapper.isAlias || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = instance[method];
        if (typeof handler !== 'function') continue;
        const meta = this.reflector.get<BaofooListenerMetadata | undefined>(BAOFOO_EVENT_LISTENER, handler);
        if (!meta) continue;
        const className = instance.constructor.name;
        if (!wrapper.isDependencyTreeStatic()) {
          // A request-scoped provider has no instance to call outside a request.
          throw new Error(`@OnBaofooEvent on ${className}.${method}: the provider is request-scoped; listeners must be singletons`);
        }
        const id = meta.listenerId ?? `${className}.${method}`;
        const owner = `${className}.${method}`;
        if (ids.has(id)) {
          throw new Error(`two Baofoo listeners are named ${id} (${ids.get(id)} and ${owner}): delivery records are kept by name, give one a listenerId`);
        }
        ids.set(id, owner);
        const listener: RegisteredListener = {
          id,
          events: meta.events,
          delivery: deliverySettings(this.options.outbox.delivery, meta.delivery),
          invoke: async (event, context) => (handler as (e: BaofooEvent, c: BaofooDeliveryContext) => unknown).call(instance, event, context),
        };
        for (const type of meta.events) byEvent.set(type, [...(byEvent.get(type) ?? []), listener]);
      }
    }
    for (const list of byEvent.values()) list.sort((a, b) => a.id.localeCompare(b.id));
    this.logger.log(`${ids.size} Baofoo event listener(s): ${[...ids.keys()].join(', ') || 'none'}`);
    this.byEvent = byEvent;
    return byEvent;
  }
}
