import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { readNotification, type PaymentResultFields } from '../protocol/notification.ts';
import { BaofooProtocolError } from '../protocol/errors.ts';
import { BaofooSigner, type SignatureCheck } from '../signing/baofoo-signer.service.ts';
import type { InboundRequest, VerifiedNotification } from './inbound-notification.ts';
import { CLIENT_IP } from './ip-allowlist.guard.ts';
import { readNotificationRequest } from './notification-request.reader.ts';
import { NotificationRefusal } from './notification-refusal.ts';

export const VERIFIED_NOTIFICATION = Symbol('baofoo.verifiedNotification');

/**
 * Reads the notification, finds the merchant by MemberID + TerminalID and
 * verifies Md5Sign against its keys in constant time. Decides only: what it
 * refuses is thrown as a `NotificationRefusal` and counted by `RefusalRecorder`.
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  constructor(
    @Inject(BAOFOO_OPTIONS) protected readonly options: ResolvedBaofooOptions,
    protected readonly signer: BaofooSigner,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { [CLIENT_IP]?: string; [VERIFIED_NOTIFICATION]?: VerifiedNotification }>();
    const ip = req[CLIENT_IP] ?? req.socket?.remoteAddress ?? '';
    const { inbound, error } = await readNotificationRequest(req, ip, this.options);
    if (error) return this.refuse(inbound, error.code, error.message, error.status);
    let received;
    try {
      received = readNotification(inbound.params ?? {});
    } catch (e) {
      if (e instanceof BaofooProtocolError) return this.refuse(inbound, e.code, e.message, 400);
      throw e;
    }
    const check = this.checkSignature(received.fields);
    if (!check.merchantKnown) {
      return this.refuse(inbound, 'MERCHANT_UNKNOWN', `MemberID ${received.fields.MemberID} / TerminalID ${received.fields.TerminalID} is not a configured merchant`, 400);
    }
    if (!check.valid) {
      return this.refuse(inbound, 'SIGNATURE_INVALID', `Md5Sign does not verify with keys [${check.triedKeyIds.join(', ')}] in ${this.options.charset}`, 400);
    }
    // Written out, not `...inbound`: on Node 20 a spread followed by more fields costs a new hidden class per call.
    const { method, sourceIp, rawBody, params } = inbound;
    req[VERIFIED_NOTIFICATION] = { method, sourceIp, rawBody, params, fields: received.fields, extras: received.extras, keyId: check.keyId! };
    return true;
  }

  /** Override to look keys up elsewhere (e.g. a vault); must compare in constant time. */
  protected checkSignature(fields: PaymentResultFields): SignatureCheck {
    return this.signer.checkPaymentResult(fields);
  }

  private refuse(inbound: InboundRequest, code: string, reason: string, status: number): never {
    throw new NotificationRefusal(code, reason, status, inbound);
  }
}
