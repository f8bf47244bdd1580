import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { BaofooObservation } from '../common/observation/baofoo-observation.ts';
import { NO_OBSERVER } from '../common/observation/baofoo-observer.ts';
import type { SettlementService } from '../orders/settlement.service.ts';
import type { NotificationAnswer, VerifiedNotification } from './inbound-notification.ts';
import { NotificationService } from './notification.service.ts';
import type { RefusalRecorder } from './refusal.recorder.ts';

// A notification whose fields do not parse: apply answers through the refusal recorder without settling anything.
const unparseable = { fields: { TransID: 'T1', MemberID: 'M1', FactMoney: 'x' }, sourceIp: '203.0.113.9', method: 'POST', params: {}, rawBody: '', keyId: 'k' } as unknown as VerifiedNotification;
const refused: NotificationAnswer = { status: 400, body: 'FAIL FIELD_INVALID' };
const refusals = { recordSigned: async () => refused } as unknown as RefusalRecorder;
const settlement = {} as SettlementService;

describe('NotificationService observation point', () => {
  it('hands each notification to the installed observer, with its fields, and returns what the observed handling answered', async () => {
    const observation = new BaofooObservation();
    const service = new NotificationService(settlement, refusals, observation);
    const seen: { fields: unknown; answer: unknown }[] = [];
    observation.observer = {
      ...NO_OBSERVER,
      async notification(fields, handle) {
        const answer = await handle();
        seen.push({ fields, answer });
        return answer;
      },
    };
    await expect(service.apply(unparseable)).resolves.toBe(refused);
    expect(seen).toEqual([{ fields: unparseable.fields, answer: refused }]);
    // Observed through a call the service makes, not a wrapper put on it.
    expect(Object.hasOwn(service, 'apply')).toBe(false);
  });

  it('reports to the no-op when nothing is installed, or when built by hand', async () => {
    expect(new BaofooObservation().observer).toBe(NO_OBSERVER);
    await expect(new NotificationService(settlement, refusals).apply(unparseable)).resolves.toBe(refused);
  });
});
