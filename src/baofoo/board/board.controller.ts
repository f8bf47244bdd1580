import { Body, Controller, Get, Header, Inject, Param, Post, Query, Redirect, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { OutboxAdminService } from '../events/outbox-admin.service.ts';
import { BaofooOperationsError } from '../operations/operations.errors.ts';
import { ReviewResolutionService } from '../operations/review-resolution.service.ts';
import { AllowedHostGuard } from './allowed-host.guard.ts';
import { single, resolutionOf, type Fields } from './board-form.ts';
import { BoardInputError } from './board-input.error.ts';
import { BoardInputFilter } from './board-input.filter.ts';
import type { BoardPageContext } from './board-layout.ts';
import { BAOFOO_BOARD_OPTIONS, boardPath, type BaofooBoardOptions } from './board-options.ts';
import { boardTimeZone, type BoardTimes } from './board-time.ts';
import { BoardService } from './board.service.ts';
import { FarAmountCheck } from './far-amount.check.ts';
import { overviewPage } from './overview.page.ts';
import { SameOriginGuard } from './same-origin.guard.ts';
import { storyPage } from './story.page.ts';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTML = 'text/html; charset=utf-8';

function refusalStatus(e: BaofooOperationsError | BoardInputError): number {
  if (e instanceof BoardInputError) return e.status;
  return e.code === 'ORDER_UNKNOWN' ? 404 : e.code === 'RESOLUTION_INVALID' ? 400 : 409;
}

/**
 * The board's controller, built for the options: its path and the app's
 * guards are class decorators, so each registration gets a class of its own.
 */
export function boardController(options: BaofooBoardOptions): Type<unknown> {
  const path = boardPath(options);
  const zone = boardTimeZone(options.timeZone);

  @Controller(path)
  @UseGuards(AllowedHostGuard, ...(options.guards ?? []), SameOriginGuard)
  @UseFilters(BoardInputFilter)
  class BaofooBoardController {
    constructor(
      @Inject(BoardService) private readonly board: BoardService,
      @Inject(ReviewResolutionService) private readonly reviews: ReviewResolutionService,
      @Inject(OutboxAdminService) private readonly outbox: OutboxAdminService,
      @Inject(FarAmountCheck) private readonly amounts: FarAmountCheck,
      @Inject(BAOFOO_BOARD_OPTIONS) private readonly opts: BaofooBoardOptions,
      @Inject(BAOFOO_OPTIONS) private readonly baofoo: ResolvedBaofooOptions,
    ) {}

    @Get()
    @Header('content-type', HTML)
    async overview(@Req() req: BoardRequest, @Query() query: Fields): Promise<string> {
      const replayed = single(query, 'replayed');
      const notice = /^[0-9]+$/.test(replayed) ? { kind: 'ok' as const, text: `Replayed ${replayed} dead-lettered deliver${replayed === '1' ? 'y' : 'ies'}.` } : undefined;
      return overviewPage({ ...this.context(req), notice }, await this.board.overview());
    }

    @Get('search')
    @Redirect()
    search(@Req() req: BoardRequest, @Query() query: Fields) {
      return { url: `${this.base(req)}/orders/${encodeURIComponent(single(query, 'transId').trim())}`, statusCode: 303 };
    }

    @Get('orders/:transId')
    @Header('content-type', HTML)
    async story(@Req() req: BoardRequest, @Param('transId') transId: string, @Query() query: Fields): Promise<string> {
      const resolved = single(query, 'resolved');
      const notice = resolved === 'PAID' || resolved === 'FAILED' ? { kind: 'ok' as const, text: `Resolved to ${resolved}.` } : undefined;
      return storyPage({ ...this.context(req), notice }, transId, await this.board.stories(transId.slice(0, 64)));
    }

    // Answered by hand: a refusal shows the board again with its own status, which a decorator's fixed code would overwrite.
    @Post('review/resolve')
    async resolve(@Req() req: BoardRequest, @Body() form: Fields, @Res() reply: Reply): Promise<void> {
      try {
        const resolution = resolutionOf(form, this.operator(req, form));
        await this.amounts.check(resolution, single(form, 'confirmAmount') === 'yes');
        const { order } = await this.reviews.resolve(resolution);
        reply.status(303).header('location', `${this.base(req)}/orders/${encodeURIComponent(order.transId)}?resolved=${order.status}`).send('');
      } catch (e) {
        if (!(e instanceof BaofooOperationsError) && !(e instanceof BoardInputError)) throw e;
        const page = overviewPage({ ...this.context(req), notice: { kind: 'error', text: `${e.code}: ${e.message}` } }, await this.board.overview());
        reply.status(refusalStatus(e)).header('content-type', HTML).send(page);
      }
    }

    @Post('dead-letters/replay')
    @Redirect()
    async replay(@Req() req: BoardRequest, @Body() form: Fields) {
      const eventId = single(form, 'eventId');
      const listener = single(form, 'listener') || undefined;
      const replayed = UUID.test(eventId) ? await this.outbox.replayDeadLetters({ eventIds: [eventId], listener }) : [];
      return { url: `${this.base(req)}?replayed=${replayed.length}`, statusCode: 303 };
    }

    /** Who acts: `operatorOf`'s answer when it is configured (never the form's, which anyone can type), else the name typed. */
    private operator(req: BoardRequest, form: Fields): string {
      if (!this.opts.operatorOf) return single(form, 'by');
      const name = this.opts.operatorOf(req);
      if (typeof name === 'string' && name.trim() !== '') return name;
      throw new BoardInputError('OPERATOR_UNKNOWN', 'the app did not say who is signed in (operatorOf named nobody): sign in again', {});
    }

    private context(req: BoardRequest): BoardPageContext {
      const times: BoardTimes = { zone, protocolZone: this.baofoo.timeZone };
      return { base: this.base(req), operatorKnown: this.opts.operatorOf !== undefined, times };
    }

    /** The board's own URL path as the browser sees it (with the app's global prefix, if any); never `//host`-like. */
    private base(req: BoardRequest): string {
      const url = (req.originalUrl ?? req.url).split('?')[0].replace(/\/{2,}/g, '/');
      const at = url.indexOf(`/${path}`);
      return at < 0 ? `/${path}` : url.slice(0, at + path.length + 1);
    }
  }
  return BaofooBoardController;
}
