import { BaofooError } from '../protocol/errors.ts';

/** The app's database connection and the server did not agree on TLS: a fault of the configuration, not a passing one. */
export class BaofooDatabaseTlsError extends BaofooError {}

/** Stable codes of `BaofooDatabaseTlsError`. */
export const DATABASE_TLS_ERRORS = {
  /** The client refused the server's certificate (unknown CA, wrong host name, expired…). */
  certificateRefused: 'DATABASE_TLS_CERTIFICATE_REFUSED',
  /** The connection asks for TLS and the server does not offer it. */
  serverWithoutTls: 'DATABASE_TLS_NOT_OFFERED',
  /** The server accepts only TLS connections and the connection did not use TLS. */
  tlsRequired: 'DATABASE_TLS_REQUIRED',
} as const;

const WHERE = 'the DataSource (ssl, or sslmode / sslrootcert in its url) or DATABASE_URL';

/** Node's codes for a server certificate the TLS client refused (tls, X509_V_ERR_* names). */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** pg's own error when the server answers the SSLRequest with "no". */
const SERVER_WITHOUT_TLS = 'The server does not support SSL connections';
/** PostgreSQL's invalid_authorization_specification, and how its message ends for a connection without TLS. */
const NO_HBA_ENTRY = '28000';
const WITHOUT_ENCRYPTION = /no encryption$/;

/**
 * The TLS problem behind a failed connection, told as what to fix, or `null`
 * when `error` is not one (a down server, a wrong password…), which may pass.
 */
export function databaseTlsError(error: unknown): BaofooDatabaseTlsError | null {
  // Read by shape, not `instanceof Error`: node's TLS errors come from another realm under a vm (jest).
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') return null;
  const { code, message } = error as { code?: unknown; message: string };
  if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) {
    return new BaofooDatabaseTlsError(
      DATABASE_TLS_ERRORS.certificateRefused,
      `the database's TLS certificate was not accepted (${message}): check the CA and host name that ${WHERE} gives ` +
        `(ssl: { ca }, or ?sslmode=verify-full&sslrootcert=/path/ca.pem)`,
      { reason: code },
    );
  }
  if (message === SERVER_WITHOUT_TLS) {
    return new BaofooDatabaseTlsError(
      DATABASE_TLS_ERRORS.serverWithoutTls,
      `the database does not offer TLS but the connection asks for it: turn ssl on at the server, or take ssl / sslmode out of ${WHERE}`,
    );
  }
  if (code === NO_HBA_ENTRY && WITHOUT_ENCRYPTION.test(message)) {
    return new BaofooDatabaseTlsError(
      DATABASE_TLS_ERRORS.tlsRequired,
      `the database accepts only TLS connections and this one did not use TLS (${message}): ` +
        `set ssl: { ca } on ${WHERE}, or ?sslmode=verify-full&sslrootcert=/path/ca.pem in the url`,
    );
  }
  return null;
}

/**
 * For `TypeOrmModule.forRoot({ toRetry })`: a TLS mismatch stops the boot at
 * once with what to fix (thrown from here, it replaces the driver's error)
 * instead of ten silent retries that cannot succeed; other failures are retried.
 */
export function retryUnlessTlsMismatch(error: unknown): boolean {
  const tls = databaseTlsError(error);
  if (tls) throw tls;
  return true;
}

/** Why a connection failed, for a person: the TLS problem with its fix, or the driver's own words. */
export function connectFailureText(error: unknown): string {
  return databaseTlsError(error)?.message ?? String((error as { message?: unknown } | null)?.message ?? error);
}
