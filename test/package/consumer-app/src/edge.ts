import type { INestApplication } from '@nestjs/common';

/**
 * How this app sits at the HTTP edge. Hook for the global-prefix and
 * app-wide-guard checks of issue 12: when the module supports them, this
 * sets `app.setGlobalPrefix('api')` and an app-wide guard that lets only the
 * module's routes through unauthenticated, and the consumer test asserts the
 * payment still settles. Until then the app keeps Nest's defaults.
 */
export function configureEdge(_app: INestApplication): void {}
