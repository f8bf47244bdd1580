import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

interface HeaderBag {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Refuses a state-changing request another site's page sent (cross-site form
 * posts ride on the operator's cookies): the browser says where a request
 * comes from in `Origin` and `Sec-Fetch-Site`. Requests without them (curl, a
 * test client) are the app guard's business.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<HeaderBag>();
    if (req.method === 'GET' || req.method === 'HEAD') return true;
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return false;
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === '') return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
}
