import { decodeText, parseForm } from '../baofoo/protocol/index.ts';
import type { SandboxContext } from './sandbox.context.ts';

/**
 * Reads a merchant's form (payment request, order query) in the merchant's
 * charset: a first UTF-8 pass finds the merchant, whose ids are ASCII digits,
 * then a GBK merchant's form is read again in GBK. Throws BaofooProtocolError
 * on a malformed form.
 */
export function readMerchantForm(ctx: SandboxContext, raw: Buffer): Record<string, string> {
  const probe = parseForm(decodeText(raw, 'utf-8'), 'utf-8');
  const merchant = ctx.findMerchant(probe.MemberID ?? '', probe.TerminalID ?? '');
  if (!merchant || merchant.charset === 'utf-8') return probe;
  return parseForm(decodeText(raw, merchant.charset), merchant.charset);
}
