import type { BoardPageContext } from './board-layout.ts';
import { boardTimeZone, formatBoardTime } from './board-time.ts';
import type { OrderStory } from './board.reader.ts';
import { overviewPage, type Overview } from './overview.page.ts';
import { storyPage } from './story.page.ts';

/** 08:00 UTC: 16:00 in Shanghai, 03:00 in New York (EST, UTC-5, on 30 November). */
const AT = new Date('2026-11-30T08:00:00Z');
const LATER = new Date('2026-11-30T08:00:05Z');
/** A time as the board writes it, with whatever follows it. */
const TIMES = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}( [A-Za-z_/]+)?/g;

const ctx = (zone: string): BoardPageContext => ({ base: '/admin', operatorKnown: true, times: { zone, protocolZone: 'Asia/Shanghai' } });

const overview: Overview = {
  chart: '',
  review: [{ id: '1', memberId: '100000178', transId: 'T1', orderMoney: '100', factMoney: '90', reviewReason: 'amount', productName: 'p', updatedAt: AT }],
  mismatches: [{ receivedAt: AT, transId: 'T2', reason: 'r', checkResult: 'F', toStatus: 'PAID' }],
  deadLetters: [{ eventId: 'e', type: 't', listener: 'L.m', attempts: 8, lastError: 'x', deadAt: AT, replays: 0 }],
  backlog: { pending: 1, due: 1, oldestDueAt: AT, overdue: [{ transId: 'T3', memberId: '100000178', nextQueryAt: AT, queryAttempts: 2, lastCheckResult: 'P' }] },
};

// Only the fields that carry times matter here; the rest of a stored row is left out.
const story: OrderStory = {
  order: { transId: 'T1', status: 'PAID', succTime: '20261130160003', createdAt: AT, updatedAt: LATER } as Partial<OrderStory['order']> as OrderStory['order'],
  ledger: [{ receivedAt: AT, method: 'POST', sourceIp: '127.0.0.1', verdict: 'applied', fields: {}, archived: false } as Partial<OrderStory['ledger'][number]> as OrderStory['ledger'][number]],
  ledgerTruncated: false,
  events: [{ eventId: 'e', type: 't', createdAt: AT, deliveredAt: LATER, attempts: 1, source: 'notification' }],
  deliveries: [{ eventId: 'e', listener: 'L.m', status: 'delivered', attempts: 1, deliveredAt: LATER, deadAt: null, replays: 0 }],
};

describe('times on the board', () => {
  it('are written in the zone and name it', () => {
    expect(formatBoardTime(AT, 'Asia/Shanghai')).toBe('2026-11-30 16:00:00 Asia/Shanghai');
    expect(formatBoardTime(AT, 'UTC')).toBe('2026-11-30 08:00:00 UTC');
    expect(formatBoardTime(AT, 'America/New_York')).toBe('2026-11-30 03:00:00 America/New_York');
    expect(formatBoardTime(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01 00:00:00 Asia/Shanghai');
  });

  it('are in Asia/Shanghai unless the board options say otherwise, and an unknown zone stops the boot', () => {
    expect(boardTimeZone(undefined)).toBe('Asia/Shanghai');
    expect(boardTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(() => boardTimeZone('Asia/Shanghia')).toThrow('BaofooBoardModule: timeZone "Asia/Shanghia" is not an IANA time zone');
  });

  it.each(['Asia/Shanghai', 'UTC'])('each name their zone on the overview and the story (%s), and SuccTime names the gateway’s', (zone) => {
    const pages = [overviewPage(ctx(zone), overview), storyPage(ctx(zone), 'T1', [story])];
    const shown = pages.flatMap((page) => [...page.matchAll(TIMES)].map((m) => m[0]));

    // Review, mismatch, dead letter, oldest due, overdue; created, updated, ledger, event written and delivered, delivery.
    expect(shown).toHaveLength(11);
    expect(shown.filter((t) => !t.endsWith(` ${zone}`))).toEqual([]);
    expect(pages[1]).toContain(`<td>${formatBoardTime(LATER, zone)}</td>`);
    expect(pages[1]).toContain('<td>20261130160003 Asia/Shanghai</td>');
  });
});
