import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { clientIpOf, IpRanges } from '../config/ip-ranges.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { MountedRoutes } from '../mounted-routes.ts';
import { NotificationRefusal } from './notification-refusal.ts';
import { RefusalRecorder } from './refusal.recorder.ts';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

const CODES: Record<string, string> = {
  'entity.too.large': 'BODY_TOO_LARGE',
  'entity.parse.failed': 'FORM_MALFORMED',
  'parameters.too.many': 'FORM_TOO_MANY_PARAMETERS',
  'charset.unsupported': 'CONTENT_TYPE_UNSUPPORTED',
  'encoding.unsupported': 'CONTENT_TYPE_UNSUPPORTED',
  'request.aborted': 'REQUEST_UNREADABLE',
};

/**
 * The app's body parsers run before any route, so a notification they refuse
 * (over express's own size limit, unparseable JSON) would never reach the
 * guards. This error handler, mounted after them, hands such a refusal to
 * `RefusalRecorder` like any other and answers in plain text.
 */
@Injectable()
export class BodyParserErrorRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly refusals: RefusalRecorder,
    private readonly routes: MountedRoutes,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    const proxies = new IpRanges(this.options.notification.trustedProxies);
    adapter.use((err: BodyParserError, req: Request, res: Response, next: NextFunction) => {
      const code = err?.type ? CODES[err.type] : undefined;
      if (!code || this.routes.routeOf(req.originalUrl ?? req.url ?? '') !== 'notification') return next(err);
      const sourceIp = clientIpOf(req.socket?.remoteAddress ?? '', req.headers['x-forwarded-for'], proxies);
      const refusal = new NotificationRefusal(code, `the app's body parser refused the request (${err.type})`, err.status ?? 400, { method: req.method, sourceIp, rawBody: '', params: null });
      const answer = this.refusals.refuseUnverified(refusal);
      res.status(answer.status).type('text/plain').send(answer.body);
    });
  }
}
