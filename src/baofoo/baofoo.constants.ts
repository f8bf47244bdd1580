/** The validated options with defaults (`ResolvedBaofooOptions`). */
export const BAOFOO_OPTIONS = Symbol('BAOFOO_OPTIONS');
/** The module's clock (`Clock`): override it in tests to hold time still. */
export const BAOFOO_CLOCK = Symbol('BAOFOO_CLOCK');
/** The module instance's controller classes, with their paths bound (`BaofooRouteControllers`). */
export const BAOFOO_ROUTES = Symbol('BAOFOO_ROUTES');
