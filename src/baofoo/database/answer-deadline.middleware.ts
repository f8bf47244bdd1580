import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { arrivedAt } from '../notifications/request-marks.ts';
import { BaofooDatabase } from './baofoo-database.ts';

/**
 * Gives every module statement made while answering one request a single
 * deadline, `database.answerWithinMs` after the request reached the server
 * (stamped by `NotificationIntake` before the body was read; when the app
 * is served by another server, when the request reached this middleware):
 * however many statements the answer needs, a stalled database turns into a
 * prompt non-OK answer (the gateway retries) rather than one slow statement
 * after another.
 */
@Injectable()
export class AnswerDeadlineMiddleware implements NestMiddleware {
  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  use(request: IncomingMessage & { raw?: IncomingMessage }, _response: unknown, next: (error?: unknown) => void): void {
    const arrived = arrivedAt(request.raw ?? request) ?? Date.now();
    this.db.answerBy(arrived + this.db.settings.answerWithinMs, next);
  }
}
