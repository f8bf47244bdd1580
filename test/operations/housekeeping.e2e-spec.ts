import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BAOFOO_OPTIONS } from '../../src/baofoo/baofoo.constants.ts';
import { DEFAULT_HOUSEKEEPING } from '../../src/baofoo/operations/operations-options.ts';
import { OperationsStore, type ArchivedBatch } from '../../src/baofoo/operations/operations.store.ts';
import { HousekeepingService } from '../../src/baofoo/operations/housekeeping.service.ts';
import { BaofooOperationsError } from '../../src/baofoo/operations/operations.errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createOperationsApp, type OperationsApp } from './operations-test-app.ts';

const NOW = new Date('2026-12-01T04:00:00Z');

/** `n` outbox events of `type` (one order each) delivered at `deliveredAt` (null: not yet), each with one delivery record of `status`. */
async function events(t: OperationsApp, n: number, deliveredAt: string | null, status: 'delivered' | 'dead' | 'failed', tag: string, type = 'baofoo.payment.succeeded'): Promise<void> {
  await t.dataSource.query(
    `WITH e AS (INSERT INTO baofoo_outbox (event_id, type, order_id, payload, created_at, delivered_at)
       SELECT gen_random_uuid(), $5, i, jsonb_build_object('tag', $3::text, 'reason', 'echoed AdditionalInfo differs'), coalesce($2::timestamptz, now()) - interval '1 minute', $2::timestamptz
       FROM generate_series(1, $1::int) AS i RETURNING event_id)
     INSERT INTO baofoo_event_deliveries (event_id, event_type, listener, status, attempts) SELECT event_id, $5, 'shop.fulfil', $4, 1 FROM e`,
    [n, deliveredAt, tag, status, type],
  );
}

/** `n` refusal count rows of the window starting at `windowStart`, one per source `<prefix>.<i>`. */
async function refusalCounts(t: OperationsApp, n: number, windowStart: string, prefix: string): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO baofoo_refusal_counts (window_start, source_ip, reason_code, count, first_seen_at, last_seen_at, sample_method, sample_body)
     SELECT $2::timestamptz, $3 || '.' || i, 'SIGNATURE_INVALID', 3, $2::timestamptz, $2::timestamptz + interval '59 seconds', 'POST', 'MemberID=1'
     FROM generate_series(1, $1::int) AS i`,
    [n, windowStart, prefix],
  );
}

async function remainingRefusalCounts(t: OperationsApp): Promise<Record<string, number>> {
  const rows: { prefix: string; n: number }[] = await t.dataSource.query(`SELECT split_part(source_ip, '.', 1) AS prefix, count(*)::int AS n FROM baofoo_refusal_counts GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.prefix, r.n]));
}

async function remaining(t: OperationsApp): Promise<Record<string, number>> {
  const rows: { tag: string; n: number }[] = await t.dataSource.query(`SELECT payload->>'tag' AS tag, count(*)::int AS n FROM baofoo_outbox GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.tag, r.n]));
}

async function orphanDeliveries(t: OperationsApp): Promise<number> {
  const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_event_deliveries d WHERE NOT EXISTS (SELECT 1 FROM baofoo_outbox o WHERE o.event_id = d.event_id)`);
  return row.n;
}

describe('Housekeeping of the event tables and the refusal counts', () => {
  let db: TestDatabase;
  let t: OperationsApp;
  let housekeeping: HousekeepingService;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, 'forRoot', { tracing: false, housekeeping: { enabled: false, outboxRetentionDays: 30, refusalCountRetentionDays: 7, batchSize: 1000 } }, { clock: () => NOW });
    housekeeping = t.app.get(HousekeepingService);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.drop();
  });

  it('deletes delivered events older than the retention with their delivery records, in bounded batches, and keeps everything else', async () => {
    await events(t, 2500, '2026-10-01T00:00:00Z', 'delivered', 'old');
    await events(t, 7, '2026-10-01T00:00:00Z', 'dead', 'old-dead-letter');
    await events(t, 5, '2026-11-25T00:00:00Z', 'delivered', 'recent');
    await events(t, 3, null, 'failed', 'undelivered');
    // Their rows are what keeps these alerts to one per order: a resent copy must not raise them again.
    await events(t, 2, '2026-10-01T00:00:00Z', 'delivered', 'old-anomaly', 'baofoo.payment.anomaly');
    await events(t, 2, '2026-10-01T00:00:00Z', 'delivered', 'old-flag', 'baofoo.notification.additional_info_mismatch');

    const run = await housekeeping.runOnce();

    expect(run).toMatchObject({ deletedEvents: 2500, deletedDeliveries: 2500, batches: 3, more: false, deliveredBefore: new Date('2026-11-01T04:00:00Z') });
    expect(await remaining(t)).toEqual({ 'old-dead-letter': 7, recent: 5, undelivered: 3, 'old-anomaly': 2, 'old-flag': 2 });
    expect(await orphanDeliveries(t)).toBe(0);
    expect(run.batchMs).toHaveLength(3);
  });

  it('deletes refusal counts of windows that started before their retention, in bounded batches, and keeps the recent ones', async () => {
    // The cut-off is 2026-11-24T04:00:00Z, seven days before NOW.
    await refusalCounts(t, 2100, '2026-11-01T00:00:00Z', 'old');
    await refusalCounts(t, 4, '2026-11-24T03:59:00Z', 'lastold');
    await refusalCounts(t, 6, '2026-11-24T04:00:00Z', 'cutoff');
    await refusalCounts(t, 5, '2026-11-30T12:00:00Z', 'recent');

    const run = await housekeeping.runOnce();

    expect(run.refusalCounts).toMatchObject({ deleted: 2104, batches: 3, more: false, windowsBefore: new Date('2026-11-24T04:00:00Z') });
    expect(run.refusalCounts.batchMs).toHaveLength(3);
    expect(run.more).toBe(false);
    expect(await remainingRefusalCounts(t)).toEqual({ cutoff: 6, recent: 5 });
    expect((await housekeeping.runOnce()).refusalCounts).toMatchObject({ deleted: 0, batches: 1 });
    await t.dataSource.query(`DELETE FROM baofoo_refusal_counts`);
  });

  it('stops at maxBatchesPerRun and says there is more, for the next run', async () => {
    await events(t, 250, '2026-10-02T00:00:00Z', 'delivered', 'old');
    await refusalCounts(t, 230, '2026-10-02T00:00:00Z', 'old');
    const tuning = { ...DEFAULT_HOUSEKEEPING, enabled: false, outboxRetentionDays: 30, refusalCountRetentionDays: 30, batchSize: 100, maxBatchesPerRun: 2 };
    const small = new HousekeepingService(t.app.get(OperationsStore), tuning, t.app.get(BAOFOO_OPTIONS), () => NOW);
    const first = await small.runOnce();
    expect(first).toMatchObject({ deletedEvents: 200, batches: 2, more: true });
    expect(first.refusalCounts).toMatchObject({ deleted: 200, batches: 2, more: true });
    const second = await small.runOnce();
    expect(second).toMatchObject({ deletedEvents: 50, more: false });
    expect(second.refusalCounts).toMatchObject({ deleted: 30, more: false });
  });

  it('lets several instances run at once without deleting a row twice or waiting on each other', async () => {
    await events(t, 3000, '2026-10-03T00:00:00Z', 'delivered', 'old');
    await refusalCounts(t, 3000, '2026-10-03T00:00:00Z', 'old');
    const runs = await Promise.all([housekeeping.runOnce(), housekeeping.runOnce(), housekeeping.runOnce()]);
    expect(runs.reduce((n, r) => n + r.deletedEvents, 0)).toBe(3000);
    expect(runs.reduce((n, r) => n + r.refusalCounts.deleted, 0)).toBe(3000);
    expect(await remainingRefusalCounts(t)).toEqual({});
    expect((await remaining(t)).old).toBeUndefined();
    expect(await orphanDeliveries(t)).toBe(0);
  });

  it('keeps old delivered events a registered RabbitMQ bridge has not published, and deletes them once it has', async () => {
    await events(t, 4, '2026-10-04T00:00:00Z', 'delivered', 'old-unbridged');
    await t.dataSource.query(`INSERT INTO baofoo_bridges (exchange) VALUES ('baofoo.events')`);
    try {
      expect((await housekeeping.runOnce()).deletedEvents).toBe(0);
      expect((await remaining(t))['old-unbridged']).toBe(4);

      await t.dataSource.query(`UPDATE baofoo_outbox SET bridged_at = now() WHERE payload->>'tag' = 'old-unbridged'`);
      expect((await housekeeping.runOnce()).deletedEvents).toBe(4);
      expect((await remaining(t))['old-unbridged']).toBeUndefined();
    } finally {
      await t.dataSource.query(`DELETE FROM baofoo_bridges`);
    }
  });
});

describe('Archiving the ledger by month', () => {
  let db: TestDatabase;
  let t: OperationsApp;
  let housekeeping: HousekeepingService;

  const ledgerAt = (receivedAt: string, transId: string) =>
    t.dataSource.query(
      `INSERT INTO baofoo_notification_ledger (received_at, trans_id, source_ip, method, fields, raw_body, verdict, http_status)
       VALUES ($1, $2, '127.0.0.1', 'POST', '{"TransID":"x"}', 'raw', 'applied', 200)`,
      [receivedAt, transId],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, 'forRoot', { tracing: false, housekeeping: { enabled: false } }, { clock: () => NOW });
    housekeeping = t.app.get(HousekeepingService);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.drop();
  });

  it('moves exactly the rows of a past Shanghai month to the archive table, unchanged', async () => {
    await ledgerAt('2026-09-30T15:59:59.999Z', 'SEPTEMBER'); // 23:59:59 on 30 September in Shanghai
    await ledgerAt('2026-09-30T16:00:00Z', 'OCTFIRST'); // midnight, 1 October in Shanghai
    await ledgerAt('2026-10-15T08:00:00Z', 'OCTMID');
    await ledgerAt('2026-10-31T15:59:59Z', 'OCTLAST');
    await ledgerAt('2026-10-31T16:00:00Z', 'NOVEMBER');
    const before: Record<string, unknown>[] = await t.dataSource.query(`SELECT * FROM baofoo_notification_ledger WHERE trans_id LIKE 'OCT%' ORDER BY id`);

    expect(await housekeeping.archiveLedgerMonth('2026-10')).toMatchObject({ moved: 3, batches: 1 });

    const archived: Record<string, unknown>[] = await t.dataSource.query(`SELECT * FROM baofoo_notification_ledger_archive ORDER BY id`);
    expect(archived).toEqual(before);
    const left: { transId: string }[] = await t.dataSource.query(`SELECT trans_id AS "transId" FROM baofoo_notification_ledger ORDER BY id`);
    expect(left.map((r) => r.transId)).toEqual(['SEPTEMBER', 'NOVEMBER']);
    expect(await housekeeping.archiveLedgerMonth('2026-10')).toMatchObject({ moved: 0 });
  });

  describe('a month of thousands of rows, in batches of 100', () => {
    const ROWS = 3000;
    const NOVEMBER = `received_at >= '2026-10-31T16:00:00Z' AND received_at < '2026-11-30T16:00:00Z'`;
    const tuning = { ...DEFAULT_HOUSEKEEPING, enabled: false, archiveBatchSize: 100 };
    let november: Record<string, unknown>[];

    /** A service whose store fails as `fail(n)` says before its n-th batch (1-based), and counts the batches it ran. */
    function archiver(fail: (n: number) => Error | null = () => null) {
      const real = t.app.get(OperationsStore);
      let calls = 0;
      const store = {
        archiveLedgerBatch: async (after: Date, to: Date, limit: number): Promise<ArchivedBatch> => {
          const error = fail(++calls);
          if (error) throw error;
          return real.archiveLedgerBatch(after, to, limit);
        },
      } as OperationsStore;
      return new HousekeepingService(store, tuning, t.app.get(BAOFOO_OPTIONS), () => NOW);
    }

    const archivedNovember = (): Promise<Record<string, unknown>[]> => t.dataSource.query(`SELECT * FROM baofoo_notification_ledger_archive WHERE ${NOVEMBER} ORDER BY id`);
    const ledgerNovember = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_notification_ledger WHERE ${NOVEMBER}`))[0].n;

    beforeEach(async () => {
      await t.dataSource.query(`DELETE FROM baofoo_notification_ledger_archive WHERE ${NOVEMBER}`);
      await t.dataSource.query(`DELETE FROM baofoo_notification_ledger WHERE ${NOVEMBER}`);
      // Seven rows share each instant, so batch boundaries fall inside runs of equal received_at.
      await t.dataSource.query(
        `INSERT INTO baofoo_notification_ledger (received_at, trans_id, source_ip, method, fields, raw_body, verdict, reason_code, http_status)
         SELECT '2026-10-31T16:00:00Z'::timestamptz + make_interval(secs => (i / 7) * 600), 'NOV' || i, '127.0.0.1', 'POST',
                jsonb_build_object('TransID', 'NOV' || i), repeat('MemberID=100000178&', 10) || i, 'applied', CASE WHEN i % 3 = 0 THEN 'AMOUNT_MISMATCH' END, 200
         FROM generate_series(0, ${ROWS} - 1) AS i ORDER BY random()`,
      );
      november = await t.dataSource.query(`SELECT * FROM baofoo_notification_ledger WHERE ${NOVEMBER} ORDER BY id`);
    });

    const expectAllMovedOnce = async () => {
      expect(await ledgerNovember()).toBe(0);
      expect(await archivedNovember()).toEqual(november);
    };

    it('moves the month in bounded batches and leaves the neighbouring months', async () => {
      await ledgerAt('2026-10-31T15:59:59.999999Z', 'EDGE-OCTOBER');
      await ledgerAt('2026-11-30T16:00:00Z', 'EDGE-DECEMBER');
      const run = await archiver().archiveLedgerMonth('2026-11');
      expect(run).toMatchObject({ moved: ROWS, batches: ROWS / 100 + 1 });
      await expectAllMovedOnce();
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_notification_ledger WHERE trans_id LIKE 'EDGE-%'`);
      expect(n).toBe(2);
    });

    it('after a crash between batches, a second run moves the rest: nothing lost, nothing doubled', async () => {
      const crash = new Error('process killed');
      const failed = await archiver((n) => (n === 8 ? crash : null)).archiveLedgerMonth('2026-11').catch((e: unknown) => e);
      expect(failed).toBe(crash);
      expect(await ledgerNovember()).toBe(ROWS - 700);
      expect((await archivedNovember()).length).toBe(700);

      const rerun = await archiver().archiveLedgerMonth('2026-11');
      expect(rerun.moved).toBe(ROWS - 700);
      await expectAllMovedOnce();
    });

    it('a batch that fails in the database moves none of its rows, and the rerun finishes', async () => {
      // An archive row with the id of a ledger row in the middle of the month: its batch's INSERT fails on the primary key.
      const [victim] = await t.dataSource.query(`SELECT id FROM baofoo_notification_ledger WHERE ${NOVEMBER} ORDER BY received_at, id OFFSET 1500 LIMIT 1`);
      await t.dataSource.query(`INSERT INTO baofoo_notification_ledger_archive SELECT * FROM baofoo_notification_ledger WHERE id = $1`, [victim.id]);
      const failed = (await archiver().archiveLedgerMonth('2026-11').catch((e: unknown) => e)) as { code?: string };
      expect(failed.code).toBe('23505');
      const left = await ledgerNovember();
      expect(left % 100).toBe(0);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(ROWS);
      await t.dataSource.query(`DELETE FROM baofoo_notification_ledger_archive WHERE id = $1`, [victim.id]);

      expect((await archiver().archiveLedgerMonth('2026-11')).moved).toBe(left);
      await expectAllMovedOnce();
    });

    it('lets two archivers run the same month at once without moving a row twice', async () => {
      const runs = await Promise.all([archiver().archiveLedgerMonth('2026-11'), archiver().archiveLedgerMonth('2026-11')]);
      expect(runs[0].moved + runs[1].moved).toBe(ROWS);
      await expectAllMovedOnce();
    });
  });

  it('refuses a month that is not over, or not a month, and moves nothing', async () => {
    await ledgerAt('2026-12-01T01:00:00Z', 'DECEMBER');
    const refused = async (month: string) => (await housekeeping.archiveLedgerMonth(month).catch((e: unknown) => e)) as BaofooOperationsError;
    expect((await refused('2026-12')).code).toBe('ARCHIVE_MONTH_OPEN');
    expect((await refused('2026-13')).code).toBe('ARCHIVE_MONTH_INVALID');
    expect((await refused('October')).code).toBe('ARCHIVE_MONTH_INVALID');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_notification_ledger WHERE trans_id = 'DECEMBER'`);
    expect(n).toBe(1);
  });
});
