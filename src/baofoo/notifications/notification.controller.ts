import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import type { VerifiedNotification } from './inbound-notification.ts';
import { IpAllowlistGuard } from './ip-allowlist.guard.ts';
import { NotificationAnswerFilter } from './notification-answer.filter.ts';
import { NotificationService } from './notification.service.ts';
import { SignatureGuard, VERIFIED_NOTIFICATION } from './signature.guard.ts';
import { sendText, type TextReply } from './text-reply.ts';

/**
 * The ReturnUrl endpoint: the gateway's server-to-server notifications, by
 * form POST or GET, on Express or Fastify. Its path comes from the options
 * (see `bindRoutes`); `@Req()` is Express's request or Fastify's.
 */
@Controller()
@UseFilters(NotificationAnswerFilter)
@UseGuards(IpAllowlistGuard, SignatureGuard)
export class NotificationController {
  constructor(private readonly notifications: NotificationService) {}

  @Post()
  async notifyByPost(@Req() req: Request, @Res() res: TextReply): Promise<void> {
    await this.answer(req, res);
  }

  @Get()
  async notifyByGet(@Req() req: Request, @Res() res: TextReply): Promise<void> {
    await this.answer(req, res);
  }

  private async answer(req: Request & { [VERIFIED_NOTIFICATION]?: VerifiedNotification }, res: TextReply): Promise<void> {
    const answer = await this.notifications.apply(req[VERIFIED_NOTIFICATION]!);
    sendText(res, answer.status, answer.body);
  }
}
