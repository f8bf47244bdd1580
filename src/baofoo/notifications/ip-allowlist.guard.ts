import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { clientIpOf, IpRanges } from '../config/ip-ranges.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { readNotificationRequest } from './notification-request.reader.ts';
import { NotificationRefusal } from './notification-refusal.ts';

export const CLIENT_IP = Symbol('baofoo.clientIp');

/** The request as `getClientIp` sees it: what Express's and Fastify's requests share with node's. */
export type NotifierRequest = Pick<IncomingMessage, 'headers' | 'socket'>;

/** Lets notifications in only from the gateway's published source IPs (client IP: see `clientIpOf`). Decides only: the refusal is recorded by `RefusalRecorder`. */
@Injectable()
export class IpAllowlistGuard implements CanActivate {
  private readonly logger = new Logger('BaofooNotifications');
  private readonly allowed: IpRanges;
  private readonly proxies: IpRanges;

  constructor(@Inject(BAOFOO_OPTIONS) protected readonly options: ResolvedBaofooOptions) {
    this.allowed = new IpRanges(options.notification.allowedIps);
    this.proxies = new IpRanges(options.notification.trustedProxies);
    if (this.allowed.size === 0) this.logger.warn('no notifier IP allowlist: any source may notify (refused in production)');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { [CLIENT_IP]?: string }>();
    const ip = this.getClientIp(req);
    req[CLIENT_IP] = ip;
    if (this.isAllowed(ip)) return true;
    // Read so the sample shows what was sent, and so the sender gets an answer instead of a reset.
    const { inbound } = await readNotificationRequest(req, ip, this.options);
    throw new NotificationRefusal('IP_NOT_ALLOWED', `source ${ip} is not an allowed notifier`, 403, inbound);
  }

  /** Override to take the client IP from elsewhere (e.g. a platform header). */
  protected getClientIp(req: NotifierRequest): string {
    return clientIpOf(req.socket?.remoteAddress ?? '', req.headers['x-forwarded-for'], this.proxies);
  }

  /** Override for dynamic allowlists. An empty list allows all (boot refuses that in production). */
  protected isAllowed(ip: string): boolean {
    return this.allowed.size === 0 || this.allowed.has(ip);
  }
}
