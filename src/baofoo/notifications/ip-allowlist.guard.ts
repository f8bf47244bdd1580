import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { IpRanges, normalizeIp } from '../config/ip-ranges.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { NotificationService } from './notification.service.ts';
import { readNotificationRequest } from './notification-request.reader.ts';
import { NotificationRejection } from './notification-rejection.ts';

export const CLIENT_IP = Symbol('baofoo.clientIp');

/**
 * Lets notifications in only from the gateway's published source IPs. The
 * client IP is the socket peer, or, when the peer is a trusted proxy, the
 * nearest untrusted hop of X-Forwarded-For read from the right: the leftmost
 * entry is whatever the sender wrote and is never believed.
 */
@Injectable()
export class IpAllowlistGuard implements CanActivate {
  private readonly logger = new Logger('BaofooNotifications');
  private readonly allowed: IpRanges;
  private readonly proxies: IpRanges;

  constructor(
    @Inject(BAOFOO_OPTIONS) protected readonly options: ResolvedBaofooOptions,
    protected readonly notifications: NotificationService,
  ) {
    this.allowed = new IpRanges(options.notification.allowedIps);
    this.proxies = new IpRanges(options.notification.trustedProxies);
    if (this.allowed.size === 0) this.logger.warn('no notifier IP allowlist: any source may notify (refused in production)');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { [CLIENT_IP]?: string }>();
    const ip = this.getClientIp(req);
    req[CLIENT_IP] = ip;
    if (this.isAllowed(ip)) return true;
    const { inbound } = await readNotificationRequest(req, ip, this.options);
    throw new NotificationRejection(await this.notifications.reject(inbound, 'IP_NOT_ALLOWED', `source ${ip} is not an allowed notifier`, 403));
  }

  /** Override to take the client IP from elsewhere (e.g. a platform header). */
  protected getClientIp(req: Request): string {
    const peer = normalizeIp(req.socket?.remoteAddress ?? '');
    if (!this.proxies.has(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => normalizeIp(h)).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) if (!this.proxies.has(hops[i])) return hops[i];
    return hops[0] ?? peer;
  }

  /** Override for dynamic allowlists. An empty list allows all (boot refuses that in production). */
  protected isAllowed(ip: string): boolean {
    return this.allowed.size === 0 || this.allowed.has(ip);
  }
}
