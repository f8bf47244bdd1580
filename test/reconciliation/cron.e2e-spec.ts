import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { RECONCILIATION_CRON_JOB } from '../../src/baofoo/reconciliation/reconciliation.cron.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, placeOrder, startInstance } from './support.ts';

describe('The reconciliation cron trigger', () => {
  const clock = new FakeClock();
  let db: TestDatabase;
  let sandbox: SandboxGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0] });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await db?.drop();
  });

  it('registers a job on the configured expression that queries due orders by itself, and removes it at shutdown', async () => {
    const shop = await startInstance(db.url, sandbox.url, clock, { reconciliation: { enabled: true, cron: '* * * * * *' }, imports: [ScheduleModule.forRoot()] });
    const registry = shop.app.get(SchedulerRegistry);
    try {
      expect(registry.getCronJob(RECONCILIATION_CRON_JOB).cronTime.source).toBe('* * * * * *');
      const order = await placeOrder(shop, sandbox);
      clock.advance(60);
      expect((await sandbox.waitForQuery(order.transId, { timeoutMs: 5000 })).checkResult).toBe('P');
    } finally {
      await shop.close();
    }
    expect(registry.doesExist('cron', RECONCILIATION_CRON_JOB)).toBe(false);
  });

  it('schedules nothing when reconciliation is disabled', async () => {
    const shop = await startInstance(db.url, sandbox.url, clock, { reconciliation: { enabled: false, cron: '* * * * * *' }, imports: [ScheduleModule.forRoot()] });
    try {
      expect([...shop.app.get(SchedulerRegistry).getCronJobs().keys()]).toEqual([]);
    } finally {
      await shop.close();
    }
  });

  it('still ticks when the app did not import ScheduleModule', async () => {
    const shop = await startInstance(db.url, sandbox.url, clock, { reconciliation: { enabled: true, cron: '* * * * * *' } });
    try {
      expect(() => shop.app.get(SchedulerRegistry)).toThrow();
      const order = await placeOrder(shop, sandbox);
      clock.advance(60);
      expect((await sandbox.waitForQuery(order.transId, { timeoutMs: 5000 })).checkResult).toBe('P');
    } finally {
      await shop.close();
    }
  });
});
