import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');
const REFERENCE = 'docs/options.md';
const reference = read('../../../docs/options.md');

/**
 * Every option path of the interface `root`, read from its source:
 * `notification.path`, `merchants[].keys[].id`. A property typed with another
 * interface of the file (alone, in an array or in a union such as
 * `boolean | BaofooMetricsOptions`) is walked into, so a new nested option is found too.
 */
function optionPaths(source: string, root: string): string[] {
  const file = ts.createSourceFile('options.ts', source, ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  file.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const walk = (name: string, prefix: string): string[] =>
    interfaces.get(name)!.members.filter(ts.isPropertySignature).flatMap((member) => {
      const path = `${prefix}${(member.name as ts.Identifier).text}`;
      const typeText = member.type?.getText(file) ?? '';
      const isArray = typeText.endsWith('[]');
      const nested = typeText.replace(/\[\]$/, '').split('|').map((t) => t.trim()).find((t) => interfaces.has(t));
      return [path, ...(nested ? walk(nested, `${path}${isArray ? '[]' : ''}.`) : [])];
    });
  return walk(root, '');
}

/** Every BAOFOO_* variable the env mapping reads. */
function envVariables(source: string): string[] {
  return [...new Set(source.match(/\bBAOFOO_[A-Z0-9_]+\b/g) ?? [])];
}

const documented = (name: string) => reference.includes(`\`${name}\``);

describe(`${REFERENCE}, the reference of every option and variable`, () => {
  const options = optionPaths(read('./baofoo-options.interface.ts'), 'BaofooModuleOptions');
  const extras = optionPaths(read('../baofoo.module-definition.ts'), 'BaofooModuleExtras');
  const operations = optionPaths(read('../operations/operations-options.ts'), 'BaofooOperationsOptions');
  const board = optionPaths(read('../board/board-options.ts'), 'BaofooBoardOptions');
  const variables = envVariables(read('./baofoo-env.config.ts') + read('./env-variables.ts'));
  const bridgeSource = read('../bridge/bridge-options.ts');
  const bridge = optionPaths(bridgeSource, 'BaofooBridgeOptions');

  it('finds the options and variables it checks (a guard against a parser that finds nothing)', () => {
    expect(options).toEqual(expect.arrayContaining(['environment', 'merchants[].keys[].secret', 'notification.allowedIps', 'reconciliation.cron', 'outbox.enabled']));
    expect(variables).toEqual(expect.arrayContaining(['BAOFOO_ENV', 'BAOFOO_MASTER_KEY', 'BAOFOO_RECONCILE_CRON']));
    expect(extras).toEqual(expect.arrayContaining(['isGlobal', 'dataSource']));
    expect(operations).toEqual(expect.arrayContaining(['metrics', 'metrics.prefix', 'tracing', 'housekeeping.cron']));
    expect(board).toEqual(expect.arrayContaining(['path', 'guards']));
    expect(bridge).toEqual(expect.arrayContaining(['url', 'exchange', 'maxBackoffMs']));
  });

  it('documents every option of BaofooModuleOptions and of the module definition (isGlobal, dataSource)', () => {
    const missing = [...options, ...extras].filter((o) => !documented(o));
    if (missing.length > 0) throw new Error(`${REFERENCE} does not document these options (add a row with type, default and production rule): ${missing.join(', ')}`);
  });

  it('documents every option of BaofooOperationsModule and BaofooBoardModule', () => {
    const missing = [...operations, ...board].filter((o) => !documented(o));
    if (missing.length > 0) throw new Error(`${REFERENCE} does not document these operations or board options (add a row with type and default): ${missing.join(', ')}`);
  });

  it('documents every option and variable of BaofooBridgeModule', () => {
    const missing = [...bridge, ...envVariables(bridgeSource)].filter((o) => !documented(o));
    if (missing.length > 0) throw new Error(`${REFERENCE} does not document these bridge options or variables (add a row with type and default): ${missing.join(', ')}`);
  });

  it('documents every BAOFOO_* variable of baofoo-env.config.ts and env-variables.ts', () => {
    const missing = variables.filter((v) => !documented(v));
    if (missing.length > 0) throw new Error(`${REFERENCE} does not document these variables (add a row with type, default and production rule): ${missing.join(', ')}`);
  });
});
