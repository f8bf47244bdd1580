import { BaofooOperationsError } from '../../baofoo/operations/operations.errors.ts';
import { OperationsStore } from '../../baofoo/operations/operations.store.ts';
import type { ReviewOutcome, ReviewResolution } from '../../baofoo/operations/review-resolution.ts';
import { ReviewResolutionService } from '../../baofoo/operations/review-resolution.service.ts';
import { DEFAULT_SETTLEMENT_RULES } from '../../baofoo/orders/order-state-machine.ts';
import { PaymentOrderRepository } from '../../baofoo/orders/payment-order.repository.ts';
import { SettlementService } from '../../baofoo/orders/settlement.service.ts';
import type { CliCommand } from '../cli-command.ts';
import { openCliDatabase } from '../cli-database.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

function resolutionFrom(args: readonly string[]): ReviewResolution {
  const { values, positionals } = parseCommandArgs(args, {
    paid: { type: 'string' },
    failed: { type: 'boolean' },
    by: { type: 'string' },
    why: { type: 'string' },
    member: { type: 'string' },
  });
  if (positionals.length !== 1) throw new CliFailure('resolve-review takes one argument: the TransID', true);
  if ((values.paid === undefined) === !values.failed) throw new CliFailure('say --paid <fen> or --failed (one of them)', true);
  if (values.by === undefined || values.why === undefined) throw new CliFailure('say who resolves the order (--by) and why (--why): both go to the ledger', true);
  let outcome: ReviewOutcome = { to: 'FAILED' };
  if (values.paid !== undefined) {
    if (!/^[0-9]{1,15}$/.test(values.paid)) throw new CliFailure(`--paid ${values.paid} is not a whole number of fen`, true);
    outcome = { to: 'PAID', paidMoney: Number(values.paid) };
  }
  return { transId: positionals[0], memberId: values.member, outcome, by: values.by, why: values.why };
}

/**
 * Resolves an order in REVIEW by hand, through the same settlement routine
 * and one-statement transition as the app (ledger row with who and why, the usual payment
 * event, delivered by the running apps' relays). Exit 0 when resolved or
 * already resolved the same way, 1 when refused (the code says why).
 */
export async function runResolveReview(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const resolution = resolutionFrom(args);
  const db = await openCliDatabase(env, 'baofoo-cli-resolve-review');
  try {
    const orders = new PaymentOrderRepository(db);
    // The AdditionalInfo rule is the app's, and a hand resolution never reads it: the default serves.
    const settlement = new SettlementService(orders, io.clock, { notification: DEFAULT_SETTLEMENT_RULES });
    const service = new ReviewResolutionService(orders, new OperationsStore(db), settlement);
    const { changed, order } = await service.resolve(resolution);
    io.out(changed ? `order ${order.transId} resolved: REVIEW → ${order.status}` : `order ${order.transId} was already resolved to ${order.status}: nothing changed`);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof BaofooOperationsError)) throw e;
    io.out(`refused: ${e.code}: ${e.message}`);
    return EXIT_INVALID;
  } finally {
    await db.end();
  }
}

export const resolveReviewCommand: CliCommand = {
  name: 'resolve-review',
  usage: '<TransID> (--paid <fen> | --failed) --by <who> --why <text> [--member <MemberID>]',
  summary: 'settle an order in REVIEW by hand, to PAID with the amount received or to FAILED; who and why go to the ledger and the event',
  run: runResolveReview,
};
