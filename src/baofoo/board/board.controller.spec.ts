import type { ReviewResolution } from '../operations/review-resolution.ts';
import type { BaofooBoardOptions } from './board-options.ts';
import { boardController } from './board.controller.ts';

const ORDER = { transId: 'T1', status: 'PAID' };
const overview = { chart: '', review: [], mismatches: [], deadLetters: [], backlog: { pending: 0, due: 0, oldestDueAt: null, overdue: [] } };

/** The controller over stand-ins that record what it asked: who resolves is the controller's own decision. */
function board(options: BaofooBoardOptions) {
  const resolved: ReviewResolution[] = [];
  const answer: { status?: number; body?: string } = {};
  const reply = {
    status: (code: number) => ((answer.status = code), reply),
    header: () => reply,
    send: (body: string) => (answer.body = body),
  };
  const Controller = boardController(options) as unknown as new (...deps: unknown[]) => { resolve(req: unknown, form: unknown, reply: unknown): Promise<void> };
  const controller = new Controller(
    { overview: async () => overview },
    { resolve: async (r: ReviewResolution) => (resolved.push(r), { changed: true, order: ORDER }) },
    {},
    { check: async () => undefined },
    options,
    { timeZone: 'Asia/Shanghai' },
  );
  const post = (form: Record<string, unknown>) => controller.resolve({ url: '/admin/review/resolve' }, { transId: 'T1', outcome: 'FAILED', why: 'ticket 9', ...form }, reply);
  return { post, resolved, answer };
}

describe('who resolves a REVIEW order on the board', () => {
  it('is operatorOf\'s answer, never the name posted in the form', async () => {
    const b = board({ path: 'admin', operatorOf: () => 'alice@ops' });
    await b.post({ by: 'mallory' });
    expect(b.resolved.map((r) => r.by)).toEqual(['alice@ops']);
    expect(b.answer.status).toBe(303);
  });

  it.each([undefined, '', '  '])('is nobody when operatorOf names nobody (%p): 403 OPERATOR_UNKNOWN, nothing resolved, the posted name ignored', async (name) => {
    const b = board({ path: 'admin', operatorOf: () => name });
    await b.post({ by: 'mallory' });
    expect(b.resolved).toEqual([]);
    expect(b.answer.status).toBe(403);
    expect(b.answer.body).toContain('OPERATOR_UNKNOWN');
  });

  it('is the name typed when the app gives no operatorOf', async () => {
    const b = board({ path: 'admin' });
    await b.post({ by: 'bob' });
    expect(b.resolved.map((r) => r.by)).toEqual(['bob']);
  });
});
