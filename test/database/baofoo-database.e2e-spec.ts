import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { BaofooDatabase, DATABASE_ERRORS } from '../../src/baofoo/database/baofoo-database.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The module's database layer against a real PostgreSQL: a connection whose
 * transaction state is unknown is destroyed, never handed to the next caller.
 * One connection in the pool, so "the next caller" is always the next statement.
 */
describe('BaofooDatabase', () => {
  let db: TestDatabase;
  let database: BaofooDatabase;

  const backend = async () => (await database.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;

  /** A statement on a connection of its own, outside the pool under test. */
  async function plain(sql: string): Promise<unknown[]> {
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await database?.end();
  });
  afterAll(async () => {
    await db.drop();
  });

  function open(settings: Partial<BaofooDatabase['settings']> = {}): BaofooDatabase {
    database = new BaofooDatabase(() => ({ connectionString: db.url }), { poolSize: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 2000, answerWithinMs: 5000, ...settings });
    return database;
  }

  it('destroys a connection whose transaction a client-side timeout left open, and the next statement runs outside it', async () => {
    // Long enough for a new connection on a loaded machine, far shorter than the statement below.
    open({ answerWithinMs: 1500 });
    await plain('CREATE TABLE t (n int)');
    let inside = 0;

    const cut = database.transaction(async (tx) => {
      inside = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
      await tx.query('INSERT INTO t VALUES (1)');
      await tx.query('SELECT pg_sleep(5)');
    });

    await expect(cut).rejects.toThrow(/Query read timeout/);
    const after = await database.query<{ pid: number; open: boolean }>(`SELECT pg_backend_pid() AS pid, now() <> statement_timestamp() AS open`);
    expect(after[0].pid).not.toBe(inside);
    expect(after[0].open).toBe(false);
    // What the cut transaction wrote never became visible: it was rolled back with its connection.
    expect(await plain('SELECT n FROM t')).toEqual([]);
  });

  it('refuses an autocommit statement that leaves a transaction open, and never reuses its connection', async () => {
    open();
    const before = await backend();

    await expect(database.query('BEGIN')).rejects.toMatchObject({ code: DATABASE_ERRORS.transactionLeftOpen });

    expect(await backend()).not.toBe(before);
  });

  it('keeps a connection after an error the server reported on an autocommit statement', async () => {
    open();
    const before = await backend();

    await expect(database.query('SELECT 1 / 0')).rejects.toThrow(/division by zero/);

    expect(await backend()).toBe(before);
  });

  it('refuses a transaction whose COMMIT rolled back, and destroys its connection', async () => {
    open();
    await database.query('CREATE TABLE u (n int)');
    const before = await backend();

    const swallowed = database.transaction(async (tx) => {
      await tx.query('INSERT INTO u VALUES (1)');
      // An error the work swallows still aborts the transaction: its COMMIT answers ROLLBACK.
      await tx.query('SELECT 1 / 0').catch(() => undefined);
    });

    await expect(swallowed).rejects.toMatchObject({ code: DATABASE_ERRORS.commitUnconfirmed });
    expect(await backend()).not.toBe(before);
    expect(await database.query('SELECT n FROM u')).toEqual([]);
  });

  it('commits a transaction and hands its connection back for reuse', async () => {
    open();
    await database.query('CREATE TABLE v (n int)');
    const before = await backend();

    await expect(database.transaction(async (tx) => (await tx.query<{ n: number }>('INSERT INTO v VALUES (7) RETURNING n'))[0].n)).resolves.toBe(7);

    expect(await database.query('SELECT n FROM v')).toEqual([{ n: 7 }]);
    expect(await backend()).toBe(before);
  });

  it('gives up on a statement on the client side within answerWithinMs, waiting for the connection included', async () => {
    open({ answerWithinMs: 400, connectTimeoutMs: 5000 });
    const holder = database.query('SELECT pg_sleep(1)').catch((e: Error) => e);
    const started = Date.now();

    // The only connection is busy: the wait for it counts against the same budget.
    await expect(database.query('SELECT 1')).rejects.toThrow();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(await holder).toBeInstanceOf(Error);
  });
});
