import { BaofooInitialSchema1764100000000 } from './migrations/1764100000000-baofoo-initial-schema.ts';

/** Add these to your TypeORM `migrations` and run them (never `synchronize` in production). */
export const BAOFOO_MIGRATIONS = [BaofooInitialSchema1764100000000];
