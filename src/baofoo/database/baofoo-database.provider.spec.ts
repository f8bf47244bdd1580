import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { resolveBaofooOptions } from '../config/resolve-options.ts';
import { BaofooDatabase } from './baofoo-database.ts';
import { baofooDatabaseOf, connectionSettingsOf } from './baofoo-database.provider.ts';

const OPTIONS = resolveBaofooOptions({
  environment: 'sandbox',
  sandboxUrl: 'http://127.0.0.1:3100',
  merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] }],
});

describe('baofooDatabaseOf', () => {
  it('refuses a DataSource that is not PostgreSQL, saying how to fix it', () => {
    expect(() => baofooDatabaseOf({ options: { type: 'mysql' } } as unknown as DataSource, OPTIONS)).toThrow(/needs a PostgreSQL DataSource, got mysql: .*dataSource: 'name'/);
  });

  it('takes the module’s own timeouts, not the DataSource’s', () => {
    const database = baofooDatabaseOf({ options: { type: 'postgres' } } as unknown as DataSource, OPTIONS);

    expect(database).toBeInstanceOf(BaofooDatabase);
    expect(database.settings).toEqual({ poolSize: 10, statementTimeoutMs: 1500, connectTimeoutMs: 1000, answerWithinMs: 2000 });
  });

  it('keeps its long-lived connections alive with TCP keepalive after 30 s idle, unless the DataSource says otherwise', () => {
    const database = baofooDatabaseOf({ options: { type: 'postgres' }, driver: { master: { options: { host: '127.0.0.1' } } } } as unknown as DataSource, OPTIONS);
    const chosen = new BaofooDatabase(() => ({ host: '127.0.0.1', keepAlive: false }), database.settings);

    expect(database.connectionSettings('listen')).toMatchObject({ host: '127.0.0.1', keepAlive: true, keepAliveInitialDelayMillis: 30_000, application_name: 'listen' });
    expect(chosen.connectionSettings('listen')).toMatchObject({ keepAlive: false, keepAliveInitialDelayMillis: 30_000 });
  });

  it('connects like the DataSource’s pool: its TLS settings and a password given apart from a url, which pg-pool hides', async () => {
    const ssl = { ca: '-----BEGIN CERTIFICATE-----…', rejectUnauthorized: true };
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5433, user: 'app', password: 'secret', ssl, connectionString: 'postgres://h/db?sslmode=verify-full' });
    const dataSource = { options: { type: 'postgres' }, driver: { master: pool } } as unknown as DataSource;
    const database = baofooDatabaseOf(dataSource, OPTIONS);

    expect({ ...(pool as unknown as { options: object }).options }).not.toHaveProperty('password');
    expect(connectionSettingsOf(dataSource)).toMatchObject({ host: '127.0.0.1', user: 'app', password: 'secret', connectionString: 'postgres://h/db?sslmode=verify-full' });
    expect(database.connectionSettings('baofoo-outbox-listen').ssl).toBe(ssl);
    expect(database.derive({ poolSize: 1 }, 'baofoo-outbox').connectionSettings('x')).toMatchObject({ password: 'secret', ssl });
    await pool.end();
  });
});
