import { describe, expect, it } from '@jest/globals';
import { NO_OBSERVER, type BaofooObserver } from './baofoo-observer.ts';
import { bothObservers } from './composite-observer.ts';

/** An observer that logs its scope's start and end, and its facts, under `name`. */
function logging(name: string, log: string[]): BaofooObserver {
  return {
    ...NO_OBSERVER,
    async settlementStatement(statement, _ledger, _events, write) {
      log.push(`${name} ${statement} start`);
      const won = await write();
      log.push(`${name} ${statement} ${won}`);
      return won;
    },
    refusedUnverified(code) {
      log.push(`${name} ${code}`);
    },
  };
}

describe('bothObservers', () => {
  it("runs the outer observer's scope around the inner one's, the work once, and gives both the facts", async () => {
    const log: string[] = [];
    const both = bothObservers(logging('spans', log), logging('metrics', log));
    let writes = 0;
    await expect(both.settlementStatement('record', null, [], async () => ++writes === 1)).resolves.toBe(true);
    both.refusedUnverified('SIGNATURE_INVALID');
    expect(writes).toBe(1);
    expect(log).toEqual(['spans record start', 'metrics record start', 'metrics record true', 'spans record true', 'spans SIGNATURE_INVALID', 'metrics SIGNATURE_INVALID']);
  });

  it('is the other observer itself when one side is the no-op, and the no-op when both are', () => {
    const metrics = logging('metrics', []);
    expect(bothObservers(NO_OBSERVER, metrics)).toBe(metrics);
    expect(bothObservers(metrics, NO_OBSERVER)).toBe(metrics);
    expect(bothObservers(NO_OBSERVER, NO_OBSERVER)).toBe(NO_OBSERVER);
  });
});
