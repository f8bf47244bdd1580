import { BaofooInitialSchema1764100000000 } from './migrations/1764100000000-baofoo-initial-schema.ts';
import { BaofooEventDelivery1764250000000 } from './migrations/1764250000000-baofoo-event-delivery.ts';
import { BaofooReviewRequery1764300000000 } from './migrations/1764300000000-baofoo-review-requery.ts';
import { BaofooRefusalCountsQueryBudget1764310000000 } from './migrations/1764310000000-baofoo-refusal-counts-query-budget.ts';
import { BaofooOperations1764320000000 } from './migrations/1764320000000-baofoo-operations.ts';
import { BaofooOutboxWakeAfterCommit1764330000000 } from './migrations/1764330000000-baofoo-outbox-wake-after-commit.ts';
import { BaofooAdditionalInfoMismatchOnce1764340000000 } from './migrations/1764340000000-baofoo-additional-info-mismatch-once.ts';
import { BaofooSchemaVersion1764350000000 } from './migrations/1764350000000-baofoo-schema-version.ts';
import { BaofooBridge1764360000000 } from './migrations/1764360000000-baofoo-bridge.ts';
import { BaofooFirstTryDeliveries1764370000000 } from './migrations/1764370000000-baofoo-first-try-deliveries.ts';
import { BaofooOutboxIndexes1764380000000 } from './migrations/1764380000000-baofoo-outbox-indexes.ts';
import { migrationVersion } from './schema-version.ts';

/** Add these to your TypeORM `migrations` and run them (never `synchronize` in production). */
export const BAOFOO_MIGRATIONS = [
  BaofooInitialSchema1764100000000,
  BaofooEventDelivery1764250000000,
  BaofooReviewRequery1764300000000,
  BaofooRefusalCountsQueryBudget1764310000000,
  BaofooOperations1764320000000,
  BaofooOutboxWakeAfterCommit1764330000000,
  BaofooAdditionalInfoMismatchOnce1764340000000,
  BaofooSchemaVersion1764350000000,
  BaofooBridge1764360000000,
  BaofooFirstTryDeliveries1764370000000,
  BaofooOutboxIndexes1764380000000,
];

/** The schema version this code needs: its newest migration's. */
export const BAOFOO_SCHEMA_VERSION = migrationVersion(new BAOFOO_MIGRATIONS[BAOFOO_MIGRATIONS.length - 1]().name);

/** Whether a schema at `found` (null: before the version table) has every migration this code needs. */
export function isSchemaCurrent(found: number | null): boolean {
  return found !== null && found >= BAOFOO_SCHEMA_VERSION;
}
