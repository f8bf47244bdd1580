import { html, raw } from './board-html.ts';
import type { BoardPageContext } from './board-layout.ts';
import type { OrderStory } from './board.reader.ts';
import type { StoredLedgerRow, StoredOrder } from '../orders/order-story.reader.ts';
import { overviewPage, type Overview } from './overview.page.ts';
import { storyPage } from './story.page.ts';

const SCRIPT = '<script>alert(1)</script>';
const ATTRIBUTE_BREAK = `"'><img src=x onerror=alert(2)>`;
const HOSTILE = `${SCRIPT}${ATTRIBUTE_BREAK}\r\nSet-Cookie: x=1`;
const AT = new Date('2026-11-30T08:00:00Z');

/** What the raw markup would show if any of it reached a page unescaped. */
function expectInert(page: string): void {
  expect(page).not.toContain(SCRIPT);
  expect(page).not.toContain('<img');
  expect(page).not.toMatch(/<script/i);
  // No tag carries an event handler once its (escaped, quoted) attribute values are set aside.
  expect(page.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z][^<>]*\son\w+=/i);
  // Every interpolation is escaped: the hostile text arrives only as text.
  expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;');
}

const ctx = (operatorKnown: boolean): BoardPageContext => ({ base: `/admin${HOSTILE}`, operatorKnown, times: { zone: 'Asia/Shanghai', protocolZone: 'Asia/Shanghai' }, notice: { kind: 'error', text: `RESOLUTION_INVALID: ${HOSTILE}` } });

const overview: Overview = {
  chart: '<svg id="status-chart"></svg>',
  review: [{ id: '1', memberId: HOSTILE, transId: HOSTILE, orderMoney: HOSTILE, factMoney: HOSTILE, reviewReason: HOSTILE, productName: HOSTILE, updatedAt: AT }],
  mismatches: [{ receivedAt: AT, transId: HOSTILE, reason: HOSTILE, checkResult: HOSTILE, toStatus: HOSTILE }],
  deadLetters: [{ eventId: HOSTILE, type: HOSTILE, listener: HOSTILE, attempts: 8, lastError: HOSTILE, deadAt: AT, replays: 0 }],
  backlog: { pending: 1, due: 1, oldestDueAt: AT, overdue: [{ transId: HOSTILE, memberId: HOSTILE, nextQueryAt: AT, queryAttempts: 2, lastCheckResult: HOSTILE }] },
};

// Hostile text where the types promise enums and numbers too: the page must escape whatever the database holds.
const hostileRow = (extra: Record<string, unknown>) => ({
  id: '1', orderId: null, receivedAt: AT, method: HOSTILE, sourceIp: HOSTILE, verdict: 'rejected', reasonCode: HOSTILE, reason: HOSTILE,
  fromStatus: HOSTILE, toStatus: HOSTILE, httpStatus: 400, keyId: null, fields: { TransID: HOSTILE, [HOSTILE]: HOSTILE }, archived: false, ...extra,
}) as unknown as StoredLedgerRow;

const story: OrderStory = {
  order: { id: '7', memberId: HOSTILE, transId: HOSTILE, status: 'REVIEW', orderMoney: '1500', factMoney: null, productName: HOSTILE, resultDesc: HOSTILE, settledBy: HOSTILE, reviewReason: HOSTILE, createdAt: AT, [HOSTILE]: HOSTILE } as unknown as StoredOrder,
  ledger: [hostileRow({}), hostileRow({ method: 'OPERATOR', verdict: 'applied', fields: { ResolvedBy: HOSTILE, Why: HOSTILE } })],
  ledgerTruncated: false,
  events: [{ eventId: HOSTILE, orderId: '7', type: HOSTILE, createdAt: AT, deliveredAt: null, attempts: 1, source: HOSTILE }],
  deliveries: [{ eventId: HOSTILE, listener: HOSTILE, status: HOSTILE, attempts: 1, lastError: HOSTILE, deliveredAt: null, deadAt: AT, replays: 0 }],
};

describe('every board page with hostile text in every field', () => {
  it.each([true, false])('escapes the overview (operator known: %s)', (known) => {
    expectInert(overviewPage(ctx(known), overview));
  });

  it('escapes an order story: order fields, ledger (operator name, reason, reason code, fields), events, deliveries', () => {
    expectInert(storyPage(ctx(false), HOSTILE, [story]));
  });

  it('escapes the not-found page, which names the TransID searched', () => {
    expectInert(storyPage(ctx(false), HOSTILE, []));
  });
});

describe('html', () => {
  it('escapes every interpolation, joins arrays, drops null/undefined/false, and inserts only html or raw() as is', () => {
    const nested = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x'}">${['<a>', nested, null, undefined, false, 0]}${raw('<hr>')}</p>`.markup).toBe('<p title="&quot;x">&lt;a&gt;<b>&lt;i&gt;</b>0<hr></p>');
    expect(html`${{ '<k>': "'v'" }}`.markup).toBe('{&quot;&lt;k&gt;&quot;:&quot;&#39;v&#39;&quot;}');
  });
});

describe('the order story', () => {
  it('marks an unsigned refusal naming the TransID as unverified, and not the signed ones, queries or operator rows', () => {
    const page = storyPage(ctx(false), 'T1', [
      {
        ...story,
        ledger: [
          hostileRow({ method: 'POST', keyId: null }),
          hostileRow({ method: 'POST', keyId: 'k2026' }),
          hostileRow({ method: 'QUERY', keyId: null }),
          hostileRow({ method: 'POST', verdict: 'applied', keyId: 'k2026' }),
        ],
      },
    ]);
    const verified = [...page.matchAll(/class="ledger-row( unverified)?" data-method="[^"]*" data-verified="(true|false)"/g)].map((m) => `${m[1] ?? ''}|${m[2]}`);
    expect(verified).toEqual([' unverified|false', '|true', '|true', '|true']);
    expect(page.match(/class="unverified-label"/g)).toHaveLength(1);
  });

  it('says when older ledger rows were left out, and only then', () => {
    const heading = (ledgerTruncated: boolean) => /<h3>Ledger \([^)]*\)<\/h3>/.exec(storyPage(ctx(false), 'T1', [{ ...story, ledgerTruncated }]))![0];
    expect(heading(true)).toBe('<h3>Ledger (2, the newest: older rows left out)</h3>');
    expect(heading(false)).toBe('<h3>Ledger (2)</h3>');
  });
});
