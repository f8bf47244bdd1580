import { CHECK_RESULTS } from '../../baofoo/protocol/result-codes.ts';
import { TRANS_ID_PATTERN } from '../../baofoo/protocol/trans-id.ts';
import { GatewayQueryClient } from '../../baofoo/reconciliation/gateway-query.client.ts';
import { GatewayQueryError } from '../../baofoo/reconciliation/gateway-query.errors.ts';
import { BaofooSigner } from '../../baofoo/signing/baofoo-signer.service.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { loadBaofooOptions, parseCommandArgs, pickMerchant } from '../cli-options.ts';

/**
 * Asks the configured environment's gateway about one order, exactly as the
 * reconciliation does (signed form POST, answer parsed and verified), and
 * prints the answer. It reads no database and changes nothing: to settle an
 * order from the answer, use `ReconciliationService.reconcile`. Mind the
 * gateway's limit of one query per order per minute.
 */
export async function runQuery(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { merchant: { type: 'string' } });
  if (positionals.length !== 1) throw new CliFailure('query takes one argument: the TransID', true);
  const [transId] = positionals;
  if (!TRANS_ID_PATTERN.test(transId)) throw new CliFailure(`${transId} is not a TransID (8 to 20 letters and digits)`, true);
  const options = loadBaofooOptions(env);
  const merchant = pickMerchant(options, values.merchant);
  const client = new GatewayQueryClient(options, new BaofooSigner(options, io.clock));
  try {
    const { answer, host } = await client.query({ memberId: merchant.memberId, terminalId: merchant.terminalId, transId });
    io.out(JSON.stringify({ ...answer, meaning: CHECK_RESULTS[answer.checkResult], gateway: host }, null, 2));
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof GatewayQueryError)) throw e;
    io.out(`error: ${e.code}: ${e.message} (${options.endpoints.queryUrl})`);
    return EXIT_INVALID;
  }
}

export const queryCommand: CliCommand = {
  name: 'query',
  usage: '<TransID> [--merchant MemberID/TerminalID]',
  summary: "ask the configured gateway for an order's state: prints the verified answer (exit 0) or the error (exit 1)",
  run: runQuery,
};
