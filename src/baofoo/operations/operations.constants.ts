export type { ResolvedHousekeepingOptions } from './operations-options.ts';

/** The resolved housekeeping options (`ResolvedHousekeepingOptions`). */
export const BAOFOO_HOUSEKEEPING = Symbol('BAOFOO_HOUSEKEEPING');
