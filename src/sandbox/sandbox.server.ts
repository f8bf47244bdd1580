import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleCashier } from './cashier.handler.ts';
import { renderErrorPage, renderIndexPage } from './cashier.page.ts';
import { sendHtml, sendText } from './http.util.ts';
import { handleInspect } from './inspect.handler.ts';
import { handleOrderQuery, QueryRateLimit } from './order-query.handler.ts';
import { handlePayindex } from './payindex.handler.ts';
import type { SandboxContext } from './sandbox.context.ts';
import { logText } from '../baofoo/protocol/log-text.ts';

/** The sandbox's routes on plain node:http. */

const CASHIER = /^\/cashier\/([0-9a-f]{32})(?:\/([a-z]+))?$/;

export function createSandboxServer(ctx: SandboxContext, baseUrl: () => string): Server {
  const limiter = new QueryRateLimit();
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    if (path === '/payindex') {
      if (req.method === 'POST') return handlePayindex(ctx, req, res);
      return sendHtml(res, 405, renderErrorPage('METHOD_NOT_ALLOWED', 'the payment request is a form POST'), { allow: 'POST' });
    }
    if (path === '/order/query') {
      if (req.method === 'POST') return handleOrderQuery(ctx, limiter, req, res);
      return sendText(res, 405, 'ERROR: the order query is a form POST');
    }
    const cashier = CASHIER.exec(path);
    if (cashier) return handleCashier(ctx, req, res, cashier[1], cashier[2]);
    if (path.startsWith('/_sandbox/')) return handleInspect(ctx, req, res, url);
    if (path === '/' && req.method === 'GET') return sendHtml(res, 200, renderIndexPage(baseUrl(), ctx.options.merchants));
    return sendText(res, 404, 'not found');
  };
  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      ctx.options.log(`sandbox error on ${logText(req.method)} ${logText(req.url)}: ${logText(error instanceof Error ? error.message : String(error))}`);
      if (!res.headersSent) sendText(res, 500, 'sandbox internal error');
      else res.destroy();
    });
  });
}
