import type { IncomingMessage } from 'node:http';
import type { RequestBody } from './request-body.ts';

const TAKEN = Symbol.for('baofoo.takenBody');
const ARRIVED = Symbol.for('baofoo.arrivedAt');

/** A body the intake read before the app saw the request, with the content type it came with. */
export interface TakenBody extends RequestBody {
  contentType: string;
}

type MarkedRequest = IncomingMessage & { [TAKEN]?: TakenBody; [ARRIVED]?: number };

/** The body the intake took from this request (`IncomingMessage`), if it did. */
export function takenBody(req: IncomingMessage): TakenBody | undefined {
  return (req as MarkedRequest)[TAKEN];
}

/** When (epoch ms) the server handed this request (`IncomingMessage`) to the intake, if it did. */
export function arrivedAt(req: IncomingMessage): number | undefined {
  return (req as MarkedRequest)[ARRIVED];
}

export function markTaken(req: IncomingMessage, body: TakenBody): void {
  (req as MarkedRequest)[TAKEN] = body;
}

export function markArrived(req: IncomingMessage, at: number): void {
  (req as MarkedRequest)[ARRIVED] = at;
}
