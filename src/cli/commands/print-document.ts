import type { CliCommand } from '../cli-command.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';

/** A command without arguments that prints a document the package generates and also ships as a file. */
export function printDocumentCommand(name: string, summary: string, document: () => string | Promise<string>): CliCommand {
  return {
    name,
    usage: '',
    summary,
    run: async (args, _env, io) => {
      if (args.length > 0) throw new CliFailure(`unexpected argument ${args[0]}`, true);
      io.out((await document()).trimEnd());
      return EXIT_OK;
    },
  };
}
