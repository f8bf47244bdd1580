import { BaofooError, BaofooProtocolError } from '../../baofoo/protocol/errors.ts';
import { parseFen } from '../../baofoo/protocol/money.ts';
import { buildPaymentForm, type PaymentForm } from '../../baofoo/protocol/payment-request.ts';
import { formatTradeTime } from '../../baofoo/protocol/trade-time.ts';
import { generateTransId } from '../../baofoo/protocol/trans-id.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { loadBaofooOptions, parseCommandArgs, pickMerchant } from '../cli-options.ts';

const ARGS = {
  'trans-id': { type: 'string' },
  money: { type: 'string' },
  'pay-id': { type: 'string' },
  'page-url': { type: 'string' },
  'return-url': { type: 'string' },
  'trade-date': { type: 'string' },
  merchant: { type: 'string' },
  'product-name': { type: 'string' },
  'additional-info': { type: 'string' },
} as const;

/**
 * Prints the signed fields of a payment request, e.g. to post one to the
 * gateway by hand or to compare with what an app sends. The Signature is
 * printed; the key and the signed string, which contains it, never are.
 */
export async function runSignRequest(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, ARGS);
  if (positionals.length > 0) throw new CliFailure(`sign-request takes only --options, not ${positionals.join(' ')}`, true);
  if (values.money === undefined) throw new CliFailure('--money is required: the amount in fen, e.g. --money 1 for 0.01 yuan', true);
  let orderMoney: number;
  try {
    orderMoney = parseFen(values.money, '--money');
  } catch (e) {
    throw new CliFailure((e as BaofooError).message, true);
  }

  const options = loadBaofooOptions(env);
  const merchant = pickMerchant(options, values.merchant);
  const key = options.keyRing.signingKey(merchant.memberId, merchant.terminalId)!;
  const base = options.notification.publicBaseUrl;
  const pageUrl = values['page-url'] ?? (base && `${base}${options.notification.pagePath}`);
  const returnUrl = values['return-url'] ?? (base && `${base}${options.notification.path}`);
  if (!pageUrl || !returnUrl) throw new CliFailure('--page-url and --return-url are required when BAOFOO_PUBLIC_BASE_URL is not set', true);

  let form: PaymentForm;
  try {
    form = buildPaymentForm(
      {
        memberId: merchant.memberId,
        terminalId: merchant.terminalId,
        payId: values['pay-id'] ?? '',
        tradeDate: values['trade-date'] ?? formatTradeTime(io.clock(), options.timeZone),
        transId: values['trans-id'] ?? generateTransId(io.clock),
        orderMoney,
        productName: values['product-name'],
        additionalInfo: values['additional-info'],
        pageUrl,
        returnUrl,
      },
      key.secret,
      options.endpoints.payUrl,
      options.charset,
    );
  } catch (e) {
    if (!(e instanceof BaofooProtocolError)) throw e;
    io.out(`invalid: ${e.code}: ${e.message}`);
    return EXIT_INVALID;
  }
  io.out(JSON.stringify({ action: form.action, keyId: key.id, fields: form.fields }, null, 2));
  return EXIT_OK;
}

export const signRequestCommand: CliCommand = {
  name: 'sign-request',
  usage:
    '--money <fen> [--trans-id <id>] [--pay-id <PayID>] [--trade-date <yyyyMMddHHmmss>] [--page-url <url>] [--return-url <url>] [--merchant <MemberID/TerminalID>] [--product-name <text>] [--additional-info <text>]',
  summary: 'print the signed fields of a payment request as JSON (TradeDate defaults to now in the configured zone, TransID to a fresh one)',
  run: runSignRequest,
};
