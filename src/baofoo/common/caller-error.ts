import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/**
 * The one rule for what the caller of a service can fix (a bad field, an
 * unknown merchant, a TransID taken or unclear): it is an `HttpException` (as
 * @nestjs/throttler's `ThrottlerException` is), so an app controller that lets
 * it through answers its 4xx instead of a 500, with the body
 * `{ statusCode, error, message, code, evidence }`. `code` is stable; Nest 12's
 * `errorCode` carries it too, for filters and interceptors that read it.
 */
export abstract class CallerError<Code extends string> extends HttpException {
  protected constructor(
    readonly code: Code,
    message: string,
    readonly evidence: Readonly<Record<string, unknown>>,
    status: number,
  ) {
    super({ statusCode: status, error: STATUS_CODES[status], message, code, evidence }, status, { errorCode: code });
    this.name = new.target.name;
  }
}
