import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { BaofooDatabase } from './baofoo-database.ts';

/**
 * Gives every module statement made while answering one request a single
 * deadline, `database.answerWithinMs` after the request reached the route:
 * however many statements the answer needs, a stalled database turns into a
 * prompt non-OK answer (the gateway retries) rather than one slow statement
 * after another.
 */
@Injectable()
export class AnswerDeadlineMiddleware implements NestMiddleware {
  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  use(_request: unknown, _response: unknown, next: (error?: unknown) => void): void {
    this.db.answerBy(Date.now() + this.db.settings.answerWithinMs, next);
  }
}
