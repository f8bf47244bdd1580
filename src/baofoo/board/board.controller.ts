import { Body, Controller, Get, Header, Inject, Param, Post, Query, Redirect, Req, Res, UseGuards, type Type } from '@nestjs/common';
import { OutboxAdminService } from '../events/outbox-admin.service.ts';
import { BaofooOperationsError } from '../operations/operations.errors.ts';
import type { ReviewResolution } from '../operations/review-resolution.ts';
import { ReviewResolutionService } from '../operations/review-resolution.service.ts';
import { BAOFOO_BOARD_OPTIONS, boardPath, type BaofooBoardOptions } from './board-options.ts';
import { overviewPage, storyPage, type BoardPageContext } from './board.pages.ts';
import { BoardService } from './board.service.ts';
import { SameOriginGuard } from './same-origin.guard.ts';
import { AllowedHostGuard } from './allowed-host.guard.ts';

interface BoardRequest {
  originalUrl?: string;
  url: string;
}

/** What Express's response and Fastify's reply both offer. */
interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: string): unknown;
}

type Form = Record<string, string | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTML = 'text/html; charset=utf-8';

/** The form's resolution; the service checks the rest (who, why, amount). */
function resolutionOf(form: Form, by: string): ReviewResolution {
  const transId = form.transId ?? '';
  const memberId = form.memberId || undefined;
  const why = form.why ?? '';
  if (form.outcome === 'FAILED') return { transId, memberId, by, why, outcome: { to: 'FAILED' } };
  const paid = form.paidMoney ?? '';
  return { transId, memberId, by, why, outcome: { to: 'PAID', paidMoney: /^[0-9]{1,15}$/.test(paid) ? Number(paid) : Number.NaN } };
}

/**
 * The board's controller, built for the options: its path and the app's
 * guards are class decorators, so each registration gets a class of its own.
 */
export function boardController(options: BaofooBoardOptions): Type<unknown> {
  const path = boardPath(options);

  @Controller(path)
  @UseGuards(AllowedHostGuard, ...(options.guards ?? []), SameOriginGuard)
  class BaofooBoardController {
    constructor(
      @Inject(BoardService) private readonly board: BoardService,
      @Inject(ReviewResolutionService) private readonly reviews: ReviewResolutionService,
      @Inject(OutboxAdminService) private readonly outbox: OutboxAdminService,
      @Inject(BAOFOO_BOARD_OPTIONS) private readonly opts: BaofooBoardOptions,
    ) {}

    @Get()
    @Header('content-type', HTML)
    async overview(@Req() req: BoardRequest, @Query('replayed') replayed?: string): Promise<string> {
      const notice = replayed !== undefined && /^[0-9]+$/.test(replayed) ? { kind: 'ok' as const, text: `Replayed ${replayed} dead-lettered deliver${replayed === '1' ? 'y' : 'ies'}.` } : undefined;
      return overviewPage({ ...this.context(req), notice }, await this.board.overview());
    }

    @Get('search')
    @Redirect()
    search(@Req() req: BoardRequest, @Query('transId') transId = '') {
      return { url: `${this.base(req)}/orders/${encodeURIComponent(transId.trim())}`, statusCode: 303 };
    }

    @Get('orders/:transId')
    @Header('content-type', HTML)
    async story(@Req() req: BoardRequest, @Param('transId') transId: string, @Query('resolved') resolved?: string): Promise<string> {
      const notice = resolved === 'PAID' || resolved === 'FAILED' ? { kind: 'ok' as const, text: `Resolved to ${resolved}.` } : undefined;
      return storyPage({ ...this.context(req), notice }, transId, await this.board.stories(transId.slice(0, 64)));
    }

    // Answered by hand: a refusal shows the board again with its own status, which a decorator's fixed code would overwrite.
    @Post('review/resolve')
    async resolve(@Req() req: BoardRequest, @Body() form: Form, @Res() reply: Reply): Promise<void> {
      const by = this.opts.operatorOf?.(req) ?? form.by ?? '';
      try {
        const { order } = await this.reviews.resolve(resolutionOf(form, by));
        reply.status(303).header('location', `${this.base(req)}/orders/${encodeURIComponent(order.transId)}?resolved=${order.status}`).send('');
      } catch (e) {
        if (!(e instanceof BaofooOperationsError)) throw e;
        const page = overviewPage({ ...this.context(req), notice: { kind: 'error', text: `${e.code}: ${e.message}` } }, await this.board.overview());
        reply.status(e.code === 'ORDER_UNKNOWN' ? 404 : e.code === 'RESOLUTION_INVALID' ? 400 : 409).header('content-type', HTML).send(page);
      }
    }

    @Post('dead-letters/replay')
    @Redirect()
    async replay(@Req() req: BoardRequest, @Body() form: Form) {
      const eventId = form.eventId ?? '';
      const replayed = UUID.test(eventId) ? await this.outbox.replayDeadLetters({ eventIds: [eventId], listener: form.listener || undefined }) : [];
      return { url: `${this.base(req)}?replayed=${replayed.length}`, statusCode: 303 };
    }

    private context(req: BoardRequest): BoardPageContext {
      return { base: this.base(req), operatorKnown: this.opts.operatorOf !== undefined };
    }

    /** The board's own URL path as the browser sees it (with the app's global prefix, if any). */
    private base(req: BoardRequest): string {
      const url = (req.originalUrl ?? req.url).split('?')[0];
      const at = url.indexOf(`/${path}`);
      return at < 0 ? `/${path}` : url.slice(0, at + path.length + 1);
    }
  }
  return BaofooBoardController;
}
