import { BaofooError } from '../protocol/errors.ts';
import type { InboundRequest } from './inbound-notification.ts';

/**
 * A request refused before its signature verified (IP, unreadable, malformed,
 * unknown merchant, bad signature). Guards and the body-parser hook only
 * decide and throw this; `RefusalRecorder` counts it and gives the answer.
 */
export class NotificationRefusal extends BaofooError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly inbound: InboundRequest,
  ) {
    super(code, message, { sourceIp: inbound.sourceIp, status });
  }
}
