import { DEFAULT_FORM_LIMITS, parseForm } from '../../baofoo/protocol/form-encoding.ts';
import { BaofooProtocolError } from '../../baofoo/protocol/errors.ts';
import { readNotification, verifyPaymentResult, type PaymentResultFields } from '../../baofoo/protocol/notification.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { describeMerchants, loadBaofooOptions, parseCommandArgs } from '../cli-options.ts';

/** A query string, a form body, or a whole URL pasted from a log. */
function formText(input: string): string {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) return text.includes('?') ? text.slice(text.indexOf('?') + 1) : '';
  return text.startsWith('?') ? text.slice(1) : text;
}

/**
 * Checks a payment result the way the notification endpoint does: every key
 * of the named merchant still in force. When it fails it says what was tried
 * (merchant, key ids, charset) so the cause can be found, but never a key or
 * the signed string, which contains one.
 */
export async function runVerifyNotification(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length !== 1) throw new CliFailure('verify-notification takes one argument: the query string or form body, in quotes', true);
  const options = loadBaofooOptions(env);
  const charset = options.charset;
  const invalid = (reason: string) => {
    io.out(`invalid: ${reason}`);
    return EXIT_INVALID;
  };

  let fields: PaymentResultFields;
  try {
    const params = parseForm(formText(positionals[0]), charset, { ...DEFAULT_FORM_LIMITS, maxParameters: options.notification.maxParameters });
    fields = readNotification(params).fields;
  } catch (e) {
    if (e instanceof BaofooProtocolError) return invalid(`${e.code}: ${e.message}; charset ${charset}`);
    throw e;
  }

  const ids = `${fields.MemberID}/${fields.TerminalID}`;
  if (!options.keyRing.merchant(fields.MemberID, fields.TerminalID)) {
    return invalid(`merchant ${ids} is not configured (configured: ${describeMerchants(options)}); no key tried; charset ${charset}`);
  }
  const now = io.clock();
  const keys = options.keyRing.verificationKeys(fields.MemberID, fields.TerminalID, now);
  const match = keys.find((k) => verifyPaymentResult(fields, k.secret, charset));
  if (match) {
    io.out(`valid (merchant ${ids}, key ${match.id})`);
    return EXIT_OK;
  }
  const retired = options.keyRing
    .merchant(fields.MemberID, fields.TerminalID)!
    .keys.filter((k) => !keys.includes(k))
    .map((k) => `${k.id} (retired ${k.retiresAt!.toISOString()})`);
  return invalid(
    `Md5Sign does not verify for merchant ${ids}; keys tried: ${keys.map((k) => k.id).join(', ')}` +
      (retired.length > 0 ? `; retired keys not tried: ${retired.join(', ')}` : '') +
      `; charset ${charset}`,
  );
}

export const verifyNotificationCommand: CliCommand = {
  name: 'verify-notification',
  usage: "'<query string>'",
  summary: 'check the Md5Sign of a payment result against the configured key ring: prints valid (exit 0) or invalid (exit 1)',
  run: runVerifyNotification,
};
