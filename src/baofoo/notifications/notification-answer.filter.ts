import { Catch, Injectable, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LogThrottle } from '../common/log-throttle.ts';
import type { NotificationAnswer } from './inbound-notification.ts';
import { logText } from '../protocol/log-text.ts';
import { NotificationRefusal } from './notification-refusal.ts';
import { RefusalRecorder } from './refusal.recorder.ts';
import { sendText, type TextReply } from './text-reply.ts';

/**
 * Every answer to the gateway is text/plain. A guard's refusal goes to the
 * one `RefusalRecorder`; anything unexpected is a 503 so the gateway retries.
 */
@Catch()
@Injectable()
export class NotificationAnswerFilter implements ExceptionFilter {
  private readonly logger = new Logger('BaofooNotifications');
  // A database outage fails every notification the same way: a line per window, not per request.
  private readonly unprocessed = new LogThrottle(10_000);

  constructor(private readonly refusals: RefusalRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    let answer: NotificationAnswer;
    if (exception instanceof NotificationRefusal) answer = this.refusals.refuseUnverified(exception);
    else {
      const line = this.unprocessed.line(`notification not processed: ${logText((exception as Error)?.message ?? exception)}`);
      if (line) this.logger.error(line);
      answer = { status: 503, body: 'FAIL UNAVAILABLE' };
    }
    sendText(host.switchToHttp().getResponse<TextReply>(), answer.status, answer.body);
  }
}
