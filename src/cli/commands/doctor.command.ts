import { TLSSocket } from 'node:tls';
import pg from 'pg';
import { baofooOptionsFromEnv, envFilePaths, missingEnvFiles, readEnvFiles } from '../../baofoo/config/baofoo-env.config.ts';
import type { BaofooModuleOptions } from '../../baofoo/config/baofoo-options.interface.ts';
import { environmentFindings } from '../../baofoo/config/option-sources.ts';
import { usesPublishedTestCredentials } from '../../baofoo/config/gateway-hosts.ts';
import { BaofooConfigError, resolveBaofooOptions } from '../../baofoo/config/resolve-options.ts';
import type { ResolvedBaofooOptions } from '../../baofoo/config/resolved-options.ts';
import { BAOFOO_SCHEMA_VERSION, isSchemaCurrent } from '../../baofoo/database/baofoo-migrations.ts';
import { ConnectionPlanner } from '../../baofoo/database/connection-planner.ts';
import { AUTO_TOPOLOGY, describePlan, type TopologySettings } from '../../baofoo/database/database-topology.ts';
import { connectFailureText } from '../../baofoo/database/database-tls.ts';
import { describeSchemaVersion, readSchemaVersion } from '../../baofoo/database/schema-version.ts';
import type { PaymentResultFields } from '../../baofoo/protocol/notification.ts';
import { md5Hex, paymentResultSigningString } from '../../baofoo/protocol/signature.ts';
import { BaofooSigner } from '../../baofoo/signing/baofoo-signer.service.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_INVALID, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

export interface DoctorFinding {
  ok: boolean;
  check: string;
  /** What was found, or what to fix. */
  detail: string;
}

const ok = (check: string, detail: string): DoctorFinding => ({ ok: true, check, detail });
const fix = (check: string, detail: string): DoctorFinding => ({ ok: false, check, detail });

/*
 * What boot refuses comes from one place (productionRules, through
 * resolveBaofooOptions) and is reported as `configuration` findings; the
 * findings below only describe a configuration that boots.
 */
function credentialFindings(resolved: ResolvedBaofooOptions): DoctorFinding[] {
  const published = resolved.keyRing.merchants.filter(usesPublishedTestCredentials);
  if (published.length === 0) return [ok('credentials', `${resolved.keyRing.merchants.length} merchant(s), none with the published test credentials`)];
  return [ok('credentials', `the published test merchant (fine for ${resolved.environment}, refused in production)`)];
}

function routeFindings(resolved: ResolvedBaofooOptions): DoctorFinding[] {
  const n = resolved.notification;
  return [
    ok('routes', `notifications on ${n.path}, browser returns on ${n.pagePath}`),
    ok('notifier allowlist', n.allowedIps.length === 0 ? 'empty: any source may notify (refused in production)' : n.allowedIps.join(', ')),
    ok('public URL', n.publicBaseUrl ?? 'unset (required in production)'),
  ];
}

/** Signs a result with each current key and checks that the module's own verifier accepts it and refuses a tampered copy. */
function signatureFindings(resolved: ResolvedBaofooOptions): DoctorFinding[] {
  const signer = new BaofooSigner(resolved, () => new Date());
  return resolved.keyRing.merchants.map((m) => {
    const key = resolved.keyRing.signingKey(m.memberId, m.terminalId);
    if (!key) return fix('signature self-test', `merchant ${m.memberId}/${m.terminalId} has no current key (all retired)`);
    const signed = { MemberID: m.memberId, TerminalID: m.terminalId, TransID: 'DOCTOR0000000001', Result: '1', ResultDesc: '01', FactMoney: '100', AdditionalInfo: '', SuccTime: '20250101120000' };
    const fields: PaymentResultFields = { ...signed, Md5Sign: md5Hex(paymentResultSigningString(signed, key.secret), resolved.charset) };
    const good = signer.checkPaymentResult(fields);
    const tampered = signer.checkPaymentResult({ ...fields, FactMoney: '101' });
    if (!good.valid || good.keyId !== key.id || tampered.valid) return fix('signature self-test', `merchant ${m.memberId}: signing and verifying disagree (charset ${resolved.charset})`);
    return ok('signature self-test', `merchant ${m.memberId}/${m.terminalId}: key ${key.id} signs and verifies (${resolved.charset}); a tampered copy is refused`);
  });
}

/** Whether the connection is encrypted, as the server sees it, and whether the client checked whom it talks to. */
async function tlsFinding(client: pg.Client): Promise<DoctorFinding> {
  const { rows } = await client.query<{ ssl: boolean; version: string | null; cipher: string | null }>('SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  if (!rows[0]?.ssl) {
    return ok('database TLS', 'not in use: the connection is not encrypted (fine on this host or a private network; a managed PostgreSQL wants ?sslmode=verify-full&sslrootcert=/path/ca.pem in DATABASE_URL)');
  }
  const stream = client.connection.stream;
  const verified = stream instanceof TLSSocket && stream.authorized;
  return ok(
    'database TLS',
    `in use (${rows[0].version}, ${rows[0].cipher}); the server's certificate ${verified ? 'was verified' : 'was NOT verified (sslmode=no-verify or rejectUnauthorized: false): give the CA instead'}`,
  );
}

async function databaseFindings(env: CliEnv): Promise<DoctorFinding[]> {
  const url = env.DATABASE_URL;
  // Not ready in any environment: the app's baofooPostgresOptions refuses an unset url, and nothing below can be checked.
  if (!url) {
    return [
      fix(
        'database',
        'DATABASE_URL is not set, so the database was not checked: set DATABASE_URL=postgres://user:password@host:5432/database (the URL your app passes to baofooPostgresOptions({ url })) and run doctor again',
      ),
    ];
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // The server may end the session mid-check (a restart): the failed statement is the finding, not an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const tls = await tlsFinding(client);
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'baofoo_payment_orders'`);
    if (rows[0].n === 0) return [fix('database', 'reachable but not migrated: run `npx baofoo migrate` (or BAOFOO_MIGRATIONS, or sql/schema.sql) in your deploy step'), tls];
    const version = await readSchemaVersion(async (sql, params) => (await client.query(sql, params)).rows);
    if (!isSchemaCurrent(version)) {
      return [fix('database', `reachable, but the schema is at ${describeSchemaVersion(version)} and this version needs ${BAOFOO_SCHEMA_VERSION}: run \`npx baofoo migrate\` in your deploy step`), tls];
    }
    return [ok('database', `reachable, schema at ${version}`), tls];
  } catch (e) {
    return [fix('database', `cannot connect with DATABASE_URL (${connectFailureText(e)})`)];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Where the app's connections land and what the module makes of it, probed
 * as at boot (a pooler in statement mode is a finding to fix, as boot refuses it).
 */
async function topologyFinding(url: string, settings: TopologySettings): Promise<DoctorFinding> {
  try {
    return ok('database topology', describePlan(await new ConnectionPlanner(() => ({ connectionString: url, connectionTimeoutMillis: 3000 }), settings).plan()));
  } catch (e) {
    return fix('database topology', (e as Error).message);
  }
}

/**
 * Every check; configuration errors become findings rather than exceptions.
 * `fromFiles` and `missingFiles`: the variables as the env files define them,
 * and the env files not found (see `baofooOptionsFromEnv`).
 */
export async function doctorFindings(env: CliEnv, fromFiles: CliEnv = {}, missingFiles: readonly string[] = []): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  let raw: BaofooModuleOptions | undefined;
  let resolved: ResolvedBaofooOptions | undefined;
  try {
    raw = baofooOptionsFromEnv(env, fromFiles, missingFiles);
    findings.push(ok('keys', 'every configured key could be read and decrypted'), ...environmentFindings(raw).warnings.map((w) => ok('warning', w)));
  } catch (e) {
    findings.push(fix('keys', (e as Error).message));
  }
  if (raw) {
    try {
      resolved = resolveBaofooOptions(raw, new Date(), env.NODE_ENV);
      findings.push(ok('environment', `${resolved.environment}: payments to ${resolved.endpoints.payUrl}`));
    } catch (e) {
      const problems = e instanceof BaofooConfigError ? e.problems : [(e as Error).message];
      findings.push(...problems.map((p) => fix('configuration', p)));
    }
  }
  if (resolved) findings.push(...credentialFindings(resolved), ...routeFindings(resolved), ...signatureFindings(resolved));
  const database = await databaseFindings(env);
  findings.push(...database);
  if (database[0].ok && env.DATABASE_URL) findings.push(await topologyFinding(env.DATABASE_URL, resolved?.database ?? AUTO_TOPOLOGY));
  return findings;
}

export async function runDoctor(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new CliFailure('doctor takes no arguments: it reads the configuration of NODE_ENV', true);
  const nodeEnv = env.NODE_ENV ?? 'development';
  const paths = envFilePaths(env.NODE_ENV);
  const findings = await doctorFindings(env, readEnvFiles(paths, process.cwd()), missingEnvFiles(paths, process.cwd()));
  const toFix = findings.filter((f) => !f.ok).length;
  if (values.json) {
    io.out(JSON.stringify({ nodeEnv, ready: toFix === 0, findings }, null, 2));
  } else {
    io.out(`Checking the ${nodeEnv} configuration (config/${nodeEnv}.env and the environment)`);
    for (const f of findings) io.out(`${f.ok ? '  ok   ' : '  FIX  '}${f.check}: ${f.detail}`);
    io.out(toFix === 0 ? 'Ready to deploy.' : `${toFix} thing(s) to fix before deploying.`);
  }
  return toFix === 0 ? EXIT_OK : EXIT_INVALID;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: '[--json]',
  summary: 'check the configuration you are about to deploy (environment, credentials, keys, allowlist, routes, database, signatures); --json for a script',
  run: runDoctor,
};
