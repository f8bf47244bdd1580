import { Inject, Injectable, MisdirectedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { IpRanges } from '../config/ip-ranges.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { hostNameOf } from './allowed-hosts.ts';
import { BOARD_ALLOWED_HOSTS } from './allowed-hosts.provider.ts';
import { requestOrigin, type OriginRequest } from './request-origin.ts';

/**
 * Answers only requests addressed to an allowed host name (`allowedHosts`):
 * a page on `evil.example` whose name resolves to this machine (DNS
 * rebinding) is same-origin to the browser, sends its own Host, and is
 * refused here with 421 `HOST_NOT_ALLOWED` before any other guard runs.
 * Decides only; the app's exception filter writes the answer.
 */
@Injectable()
export class AllowedHostGuard implements CanActivate {
  private readonly proxies: IpRanges;

  constructor(
    @Inject(BAOFOO_OPTIONS) options: ResolvedBaofooOptions,
    @Inject(BOARD_ALLOWED_HOSTS) private readonly allowed: ReadonlySet<string>,
  ) {
    this.proxies = new IpRanges(options.notification.trustedProxies);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.isAllowedHost(this.getHost(context.switchToHttp().getRequest<OriginRequest>()))) return true;
    throw new MisdirectedException({ statusCode: 421, code: 'HOST_NOT_ALLOWED', message: 'this host name is not one the operator routes answer on (BaofooBoardModule allowedHosts)' });
  }

  /** Override to read the addressed host from elsewhere (a platform header). Default: Host, or a trusted proxy's X-Forwarded-Host. */
  protected getHost(req: OriginRequest): string {
    return requestOrigin(req, this.proxies).host;
  }

  /** Override for dynamic host lists. */
  protected isAllowedHost(host: string): boolean {
    const name = hostNameOf(host);
    return name !== '' && this.allowed.has(name);
  }
}
