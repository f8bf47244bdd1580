import { Inject, Injectable, RequestMethod, VERSION_NEUTRAL, VersioningType, type OnModuleInit } from '@nestjs/common';
import { VERSION_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig } from '@nestjs/core';
import { isRouteExcluded } from '@nestjs/core/router/utils/index.js';
import { BAOFOO_OPTIONS, BAOFOO_ROUTES, type BaofooRouteControllers } from './baofoo.constants.ts';
import { BaofooConfigError } from './config/resolve-options.ts';
import type { ResolvedBaofooOptions } from './config/resolved-options.ts';
import { routeKey } from './protocol/route-key.ts';

export type MountedRoute = 'notification' | 'page';

const METHODS = [RequestMethod.GET, RequestMethod.POST];

/** Nest joins a global prefix and a route path this way (RoutePathFactory). */
function join(prefix: string, path: string): string {
  const base = prefix ? `/${prefix.replace(/^\/+/, '').replace(/\/+$/, '')}` : '';
  return `${base}${path}`;
}

function routeKeys(paths: Record<MountedRoute, string>): Record<MountedRoute, string> {
  return { notification: routeKey(paths.notification), page: routeKey(paths.page) };
}

/**
 * The paths the module's routes are served at, global prefix included: the
 * signed ReturnUrl and PageUrl must name them exactly, or the gateway's
 * notifications answer 404. Read from the app's configuration, which is final
 * once the router is built (before `onModuleInit`); a mount this cannot follow
 * (URI versioning, a prefix excluded for one method only) stops the app at boot.
 */
@Injectable()
export class MountedRoutes implements OnModuleInit {
  private mounted?: Record<MountedRoute, string>;
  /** The mounted paths' route keys, made with them: `routeOf` runs for every request the server receives. */
  private mountedKeys?: Record<MountedRoute, string>;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    @Inject(BAOFOO_ROUTES) private readonly controllers: BaofooRouteControllers,
    private readonly config: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    this.mounted = this.resolve();
    this.mountedKeys = routeKeys(this.mounted);
  }

  /** The notification route (ReturnUrl) as served. */
  get notificationPath(): string {
    return (this.mounted ?? this.resolve()).notification;
  }

  /** The page-return route (PageUrl) as served. */
  get pagePath(): string {
    return (this.mounted ?? this.resolve()).page;
  }

  /** Which of the module's routes a request URL is for, if any. */
  routeOf(url: string): MountedRoute | undefined {
    const key = routeKey(url);
    const mounted = this.mountedKeys ?? routeKeys(this.resolve());
    if (key === mounted.notification) return 'notification';
    if (key === mounted.page) return 'page';
    return undefined;
  }

  private resolve(): Record<MountedRoute, string> {
    const problems: string[] = [];
    const prefix = this.config.getGlobalPrefix() ?? '';
    const exclude = this.config.getGlobalPrefixOptions()?.exclude ?? [];
    const versioning = this.config.getVersioning();
    const mount = (name: string, path: string, controller: object): string => {
      const excluded = METHODS.map((m) => isRouteExcluded(exclude, path, m));
      if (prefix && excluded[0] !== excluded[1]) {
        problems.push(`the global prefix excludes ${name} ${path} for only one of GET and POST: the gateway uses both, exclude both methods or neither`);
      }
      const version = Reflect.getMetadata(VERSION_METADATA, controller) ?? (versioning as { defaultVersion?: unknown } | undefined)?.defaultVersion;
      if (versioning?.type === VersioningType.URI && version !== undefined && version !== VERSION_NEUTRAL) {
        problems.push(`URI versioning would move ${name} ${path} under a version: add notification.routeMetadata [[VERSION_METADATA, VERSION_NEUTRAL]]`);
      }
      return prefix && !excluded[0] ? join(prefix, path) : path;
    };
    const mounted = {
      notification: mount('notification.path', this.options.notification.path, this.controllers.notification),
      page: mount('notification.pagePath', this.options.notification.pagePath, this.controllers.pageReturn),
    };
    if (problems.length > 0) throw new BaofooConfigError(problems);
    return mounted;
  }
}
