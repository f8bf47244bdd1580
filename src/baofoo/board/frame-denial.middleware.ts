import { Injectable, type NestMiddleware } from '@nestjs/common';

/**
 * Forbids framing every board answer, refusals included (a middleware runs
 * before the guards): another site framing the board could trick an operator
 * into clicking Replay or Resolve (clickjacking). The policy also lets no
 * script run and no form post leave the board's origin.
 */
@Injectable()
export class FrameDenialMiddleware implements NestMiddleware {
  use(_req: unknown, res: { setHeader(name: string, value: string): unknown }, next: () => void): void {
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  }
}
