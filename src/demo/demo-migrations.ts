import { BAOFOO_MIGRATIONS } from '../baofoo/database/baofoo-migrations.ts';
import { DemoFulfilments1764200000000 } from './migrations/1764200000000-demo-fulfilments.ts';
import { DemoFulfilmentHolds1764300000001 } from './migrations/1764300000001-demo-fulfilment-holds.ts';

/** The module's migrations first: the demo's tables sit beside them. */
export const DEMO_MIGRATIONS = [...BAOFOO_MIGRATIONS, DemoFulfilments1764200000000, DemoFulfilmentHolds1764300000001];
