import type { Type } from '@nestjs/common';

/** The validated options with defaults (`ResolvedBaofooOptions`). */
export const BAOFOO_OPTIONS = Symbol('BAOFOO_OPTIONS');
/** The module's clock (`Clock`): override it in tests to hold time still. */
export const BAOFOO_CLOCK = Symbol('BAOFOO_CLOCK');
/** The module instance's controller classes, with their paths bound (`BaofooRouteControllers`). */
export const BAOFOO_ROUTES = Symbol('BAOFOO_ROUTES');

/**
 * The controller classes bound under `BAOFOO_ROUTES`: subclasses of the
 * notification and page-return controllers (`routeControllers`). Typed by role
 * only, so that code reading their metadata does not import the controllers.
 */
export interface BaofooRouteControllers {
  notification: Type;
  pageReturn: Type;
}
