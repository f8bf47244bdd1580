import { BAOFOO_MIGRATIONS } from '../../baofoo/database/baofoo-migrations.ts';
import { migrationSql } from '../../baofoo/database/migration-sql.ts';
import { printDocumentCommand } from './print-document.ts';

export const schemaCommand = printDocumentCommand(
  'schema',
  'print the module’s tables as plain SQL (what sql/schema.sql holds), for teams that use another migration tool',
  () => migrationSql(BAOFOO_MIGRATIONS),
);
