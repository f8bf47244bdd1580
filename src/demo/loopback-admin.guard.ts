import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/**
 * The demo's stand-in for a real admin guard: the board only answers
 * browsers on this machine. A real app puts its own authentication here.
 */
@Injectable()
export class LoopbackAdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const address = context.switchToHttp().getRequest<{ socket?: { remoteAddress?: string } }>().socket?.remoteAddress ?? '';
    return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  }
}
