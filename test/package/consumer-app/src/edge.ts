import { Injectable, SetMetadata, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** The `@Public()` pattern of the Nest docs: routes marked with it skip the app's authentication. */
export const IS_PUBLIC_KEY = 'isPublic';
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The app's authentication, installed app-wide (APP_GUARD): it denies every
 * route not marked public. This app has no users, so nothing else gets through;
 * the module's routes pass only because `notification.routeMetadata` marks them.
 */
@Injectable()
export class DenyUnlessPublicGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
  }
}

/** How this app sits at the HTTP edge: every route under /api, as many apps do. */
export function configureEdge(app: INestApplication): void {
  app.setGlobalPrefix('api');
}
