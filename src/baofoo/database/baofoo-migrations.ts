import { BaofooInitialSchema1764100000000 } from './migrations/1764100000000-baofoo-initial-schema.ts';
import { BaofooEventDelivery1764250000000 } from './migrations/1764250000000-baofoo-event-delivery.ts';
import { BaofooOperations1764300000000 } from './migrations/1764300000000-baofoo-operations.ts';

/** Add these to your TypeORM `migrations` and run them (never `synchronize` in production). */
export const BAOFOO_MIGRATIONS = [BaofooInitialSchema1764100000000, BaofooEventDelivery1764250000000, BaofooOperations1764300000000];
