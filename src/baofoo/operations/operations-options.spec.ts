import { describe, expect, it } from '@jest/globals';
import { DEFAULT_HOUSEKEEPING, resolveHousekeeping } from './operations-options.ts';

describe('resolveHousekeeping', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(resolveHousekeeping()).toEqual(DEFAULT_HOUSEKEEPING);
    expect(resolveHousekeeping({ cron: '0 0 3 * * *', outboxRetentionDays: 7 })).toMatchObject({ cron: '0 0 3 * * *', outboxRetentionDays: 7, batchSize: 1000 });
  });

  it('refuses at boot a cron expression that is not one, naming the option, instead of failing when the job starts', () => {
    expect(() => resolveHousekeeping({ cron: '@sometimes' })).toThrow(/^housekeeping\.cron: "@sometimes" is not a cron expression: use 5 fields/);
  });

  it('refuses a retention, batch size or batch count below one', () => {
    expect(() => resolveHousekeeping({ outboxRetentionDays: 0 })).toThrow(/housekeeping\.outboxRetentionDays/);
    expect(() => resolveHousekeeping({ refusalCountRetentionDays: 0 })).toThrow(/housekeeping\.refusalCountRetentionDays/);
    expect(() => resolveHousekeeping({ batchSize: 1.5 })).toThrow(/housekeeping\.batchSize/);
    expect(() => resolveHousekeeping({ maxBatchesPerRun: -1 })).toThrow(/housekeeping\.maxBatchesPerRun/);
    expect(() => resolveHousekeeping({ archiveBatchSize: 0 })).toThrow(/housekeeping\.archiveBatchSize/);
  });
});
