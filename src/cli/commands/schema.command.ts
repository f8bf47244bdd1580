import { BAOFOO_MIGRATIONS } from '../../baofoo/database/baofoo-migrations.ts';
import { migrationSql } from '../../baofoo/database/migration-sql.ts';
import type { CliCommand } from '../cli-command.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';

export const schemaCommand: CliCommand = {
  name: 'schema',
  usage: '',
  summary: 'print the module’s tables as plain SQL (what sql/schema.sql holds), for teams that use another migration tool',
  run: async (args, _env, io) => {
    if (args.length > 0) throw new CliFailure(`unexpected argument ${args[0]}`, true);
    io.out((await migrationSql(BAOFOO_MIGRATIONS)).trimEnd());
    return EXIT_OK;
  },
};
