/** The bridge's options with their defaults (`resolveBridgeOptions`). */
export const BAOFOO_BRIDGE_RESOLVED = Symbol('BAOFOO_BRIDGE_RESOLVED');
