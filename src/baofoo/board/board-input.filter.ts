import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BoardInputError } from './board-input.error.ts';

/** Answers a board request refused before acting (outside the resolve form, which shows the board again): its status and stable code, as JSON. */
@Catch(BoardInputError)
export class BoardInputFilter implements ExceptionFilter {
  catch(e: BoardInputError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { json?(body: unknown): unknown; send(body: unknown): unknown } }>();
    const answer = reply.status(e.status);
    const body = { statusCode: e.status, code: e.code, message: e.message };
    if (answer.json) answer.json(body);
    else answer.send(body);
  }
}
