import type { BaofooModuleOptions } from '../baofoo/config/baofoo-options.interface.ts';

/** What the boot sequence learnt before Nest starts: where the database and the sandbox are. */
export interface DemoRuntime {
  databaseUrl: string;
  /** The shop's own base URL (PageUrl and ReturnUrl are built on it). */
  publicBaseUrl: string;
  /** The in-process sandbox gateway's URL, when one was started. */
  sandboxUrl?: string;
  /** The RabbitMQ the demo publishes its events to (`BAOFOO_BRIDGE_AMQP_URL`); no bridge when absent. */
  bridgeUrl?: string;
  /** The shop DataSource's connect timeout, when not `baofooPostgresOptions`' default. */
  databaseConnectTimeoutMs?: number;
  /** Last word on the module options (tests compress timings here). */
  configure?: (options: BaofooModuleOptions) => BaofooModuleOptions;
}

export const DEMO_RUNTIME = Symbol('DEMO_RUNTIME');

/**
 * The env files describe a fixed layout (shop on 3000, sandbox on 3100); when
 * the demo runs elsewhere (PORT, SANDBOX_PORT, tests on free ports) the URLs
 * the gateway is given must follow, or notifications would go nowhere.
 */
export function demoBaofooOptions(fromEnv: BaofooModuleOptions, runtime: DemoRuntime): BaofooModuleOptions {
  const sandbox = fromEnv.environment === 'sandbox';
  const options: BaofooModuleOptions = {
    ...fromEnv,
    sandboxUrl: runtime.sandboxUrl ?? fromEnv.sandboxUrl,
    notification: {
      ...fromEnv.notification,
      publicBaseUrl: sandbox || !fromEnv.notification?.publicBaseUrl ? runtime.publicBaseUrl : fromEnv.notification.publicBaseUrl,
      pageRedirectUrl: fromEnv.notification?.pageRedirectUrl ?? `${sandbox ? runtime.publicBaseUrl : (fromEnv.notification?.publicBaseUrl ?? runtime.publicBaseUrl)}/shop/return`,
    },
  };
  return runtime.configure ? runtime.configure(options) : options;
}
