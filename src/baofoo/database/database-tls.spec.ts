import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { BaofooDatabaseTlsError, DATABASE_TLS_ERRORS, databaseTlsError, retryUnlessTlsMismatch } from './database-tls.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('databaseTlsError', () => {
  it('tells a refused certificate as one, with the cause and where the CA is set', () => {
    const error = databaseTlsError(withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'));

    expect(error).toBeInstanceOf(BaofooDatabaseTlsError);
    expect(error?.code).toBe(DATABASE_TLS_ERRORS.certificateRefused);
    expect(error?.message).toMatch(/^the database's TLS certificate was not accepted \(self-signed certificate in certificate chain\): .*ssl: \{ ca \}.*sslrootcert/);
  });

  it('knows an error made in another realm, as node’s TLS errors are under a vm', () => {
    const foreign = runInNewContext('Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })') as unknown;

    expect(foreign instanceof Error).toBe(false);
    expect(databaseTlsError(foreign)?.code).toBe(DATABASE_TLS_ERRORS.certificateRefused);
  });

  it('tells a host name the certificate does not name as a refused certificate', () => {
    expect(databaseTlsError(withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'))?.code).toBe(DATABASE_TLS_ERRORS.certificateRefused);
  });

  it('tells a server without TLS, and a server that takes only TLS, apart', () => {
    const noTls = databaseTlsError(new Error('The server does not support SSL connections'));
    const onlyTls = new pg.DatabaseError('no pg_hba.conf entry for host "127.0.0.1", user "postgres", database "postgres", no encryption', 100, 'error');
    onlyTls.code = '28000';

    expect(noTls?.code).toBe(DATABASE_TLS_ERRORS.serverWithoutTls);
    expect(databaseTlsError(onlyTls)?.code).toBe(DATABASE_TLS_ERRORS.tlsRequired);
  });

  it('leaves other connection failures alone: they may pass', () => {
    const wrongPassword = Object.assign(new pg.DatabaseError('password authentication failed for user "app"', 100, 'error'), { code: '28P01' });
    const noHbaEntryOverTls = Object.assign(new pg.DatabaseError('no pg_hba.conf entry for host "10.0.0.9", user "app", database "app", SSL encryption', 100, 'error'), { code: '28000' });

    for (const e of [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), wrongPassword, noHbaEntryOverTls, 'text', undefined]) expect(databaseTlsError(e)).toBeNull();
  });
});

describe('retryUnlessTlsMismatch', () => {
  it('retries what may pass and stops at once, with the TLS error, on what cannot', () => {
    expect(retryUnlessTlsMismatch(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(() => retryUnlessTlsMismatch(withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toThrow(BaofooDatabaseTlsError);
  });
});
