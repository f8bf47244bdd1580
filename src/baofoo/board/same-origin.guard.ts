import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { IpRanges } from '../config/ip-ranges.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { requestOrigin, sameOrigin, type OriginRequest } from './request-origin.ts';

/**
 * Refuses a state-changing request another site's page sent (cross-site form
 * posts ride on the operator's cookies): the browser says where a request
 * comes from in `Origin` and `Sec-Fetch-Site`. Origin is compared with the
 * origin the browser addressed, read through trusted proxies (a proxy that
 * rewrites Host passes the original in X-Forwarded-Host). Requests without
 * them (curl, a test client) are the app guard's business. Decides only:
 * 403 `CROSS_SITE_REQUEST`.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  private readonly proxies: IpRanges;

  constructor(@Inject(BAOFOO_OPTIONS) options: ResolvedBaofooOptions) {
    this.proxies = new IpRanges(options.notification.trustedProxies);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<OriginRequest & { method?: string }>();
    if (req.method === 'GET' || req.method === 'HEAD' || this.isSameSite(req)) return true;
    throw new ForbiddenException({ statusCode: 403, code: 'CROSS_SITE_REQUEST', message: 'the request was sent by another site\'s page' });
  }

  private isSameSite(req: OriginRequest): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return false;
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === '') return true;
    return sameOrigin(origin, requestOrigin(req, this.proxies));
  }
}
