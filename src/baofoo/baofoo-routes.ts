import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { BaofooRouteControllers } from './baofoo.constants.ts';
import type { ResolvedBaofooOptions } from './config/resolved-options.ts';
import { NotificationController } from './notifications/notification.controller.ts';
import { PageReturnController } from './notifications/page-return.controller.ts';

/**
 * Route paths come from the options, which forRootAsync only knows once its
 * factory ran; Nest reads controller paths later, when it builds the router.
 * Each module instance gets controller subclasses of its own, so two apps in
 * one process never share a path. `notification.routeMetadata` is set on
 * them too, for the app's own guards and interceptors.
 */
export function routeControllers(): BaofooRouteControllers {
  return {
    notification: class BaofooNotificationController extends NotificationController {},
    pageReturn: class BaofooPageReturnController extends PageReturnController {},
  };
}

export function bindRoutes(controllers: BaofooRouteControllers, options: ResolvedBaofooOptions): BaofooRouteControllers {
  Reflect.defineMetadata(PATH_METADATA, options.notification.path, controllers.notification);
  Reflect.defineMetadata(PATH_METADATA, options.notification.pagePath, controllers.pageReturn);
  for (const [key, value] of options.notification.routeMetadata) {
    Reflect.defineMetadata(key, value, controllers.notification);
    Reflect.defineMetadata(key, value, controllers.pageReturn);
  }
  return controllers;
}
