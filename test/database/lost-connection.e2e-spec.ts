import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const APPLICATION = 'baofoo-lost-connection';

/**
 * A connection of the module's pool that the server ends while a caller holds
 * it (a database restart, `pg_terminate_backend`): pg emits an 'error' on the
 * client, which pg-pool does not listen for while the client is checked out.
 * The process must survive it, and the dead connection must be destroyed, not
 * handed to the next caller. One connection in the pool, so the next caller
 * would get it back.
 */
describe('BaofooDatabase when the server ends a checked-out connection', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let database: BaofooDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new pg.Client(db.url);
    await admin.connect();
  });
  afterEach(async () => {
    await database?.end();
  });
  afterAll(async () => {
    await admin?.end();
    await db.drop();
  });

  function open(): BaofooDatabase {
    database = new BaofooDatabase(() => ({ connectionString: db.url }), { poolSize: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 10_000, answerWithinMs: 15_000 }, APPLICATION);
    return database;
  }

  const backendOf = async (db: BaofooDatabase) => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;

  /** Ends the backend the way a restart does (57P01) and waits until the server no longer lists it. */
  async function terminate(pid: number): Promise<void> {
    const { rows } = await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [pid]);
    expect(rows[0].done).toBe(true);
    for (;;) {
      const { rows: left } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (left.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('survives the error of a connection held between two statements of a transaction, and replaces the connection', async () => {
    open();
    let held = 0;
    let resume: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const inside = new Promise<void>((entered) => {
      void database
        .transaction(async (tx) => {
          held = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
          entered();
          await gate;
          await tx.query('SELECT 1');
        })
        .then(
          () => {
            throw new Error('the transaction committed on a terminated connection');
          },
          (e: Error) => {
            outcome = e.message;
          },
        )
        .finally(() => settled());
    });
    let outcome = '';
    let settled: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      settled = resolve;
    });
    await inside;
    // The server's FATAL arrives while no statement is in flight: the client emits 'error' at once.
    await terminate(held);
    const byApplication = await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [APPLICATION]);
    expect(byApplication.rows).toHaveLength(0);
    resume();
    await done;
    // The 'error' came while the transaction held the client; the next statement was refused, not sent.
    expect(outcome).toMatch(/not queryable|terminat/i);
    const next = await backendOf(database);
    expect(next).not.toBe(held);
    expect(database.totalCount).toBe(1);
  });

  it('destroys a connection whose statement in flight the server ended (a FATAL error is not a clean one)', async () => {
    open();
    const before = await backendOf(database);
    const sleeping = database.query('SELECT pg_sleep(10)');
    for (;;) {
      const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`, [before]);
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await terminate(before);
    await expect(sleeping).rejects.toMatchObject({ code: '57P01' });
    // At once, with no wait for the socket's end: the FATAL error alone destroyed the connection.
    const next = await backendOf(database);
    expect(next).not.toBe(before);
  });
});
