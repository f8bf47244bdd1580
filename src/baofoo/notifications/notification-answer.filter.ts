import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NotificationAnswer } from './inbound-notification.ts';
import { NotificationRejection } from './notification-rejection.ts';
import { sendText, type TextReply } from './text-reply.ts';

/** Every answer to the gateway is text/plain; anything unexpected is a 503 so the gateway retries. */
@Catch()
export class NotificationAnswerFilter implements ExceptionFilter {
  private readonly logger = new Logger('BaofooNotifications');

  catch(exception: unknown, host: ArgumentsHost): void {
    let answer: NotificationAnswer;
    if (exception instanceof NotificationRejection) answer = exception.answer;
    else {
      this.logger.error(`notification not processed: ${(exception as Error)?.message ?? exception}`);
      answer = { status: 503, body: 'FAIL UNAVAILABLE' };
    }
    sendText(host.switchToHttp().getResponse<TextReply>(), answer.status, answer.body);
  }
}
