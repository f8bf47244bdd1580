import { BaofooProtocolError } from '../../baofoo/protocol/errors.ts';
import { parseQueryAnswer } from '../../baofoo/protocol/order-query.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { loadBaofooOptions, parseCommandArgs } from '../cli-options.ts';

/**
 * Reads an order-query answer as the reconciliation does: seven fields with a
 * signature that verifies, or an error, never a guessed state.
 */
export async function runParseQueryAnswer(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length !== 1) throw new CliFailure('parse-query-answer takes one argument: the answer text, in quotes', true);
  const options = loadBaofooOptions(env);
  const now = io.clock();
  const tried: string[] = [];
  try {
    const answer = parseQueryAnswer(
      positionals[0],
      (memberId, terminalId) => {
        const keys = options.keyRing.verificationKeys(memberId, terminalId, now);
        tried.push(`merchant ${memberId}/${terminalId}; keys tried: ${keys.map((k) => k.id).join(', ')}`);
        return keys.map((k) => k.secret);
      },
      options.charset,
    );
    io.out(JSON.stringify(answer, null, 2));
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof BaofooProtocolError)) throw e;
    const detail = e.code === 'QUERY_ANSWER_BAD_SIGNATURE' ? ` (${tried.join('; ')}; charset ${options.charset})` : '';
    io.out(`invalid: ${e.code}: ${e.message}${detail}`);
    return EXIT_INVALID;
  }
}

export const parseQueryAnswerCommand: CliCommand = {
  name: 'parse-query-answer',
  usage: "'<answer text>'",
  summary: 'parse and verify an order-query answer: prints it as JSON (exit 0) or the error (exit 1)',
  run: runParseQueryAnswer,
};
