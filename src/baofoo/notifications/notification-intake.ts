import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { MountedRoutes } from '../mounted-routes.ts';
import { readRequestBody } from './request-body.ts';
import { markArrived, markTaken } from './request-marks.ts';

const BODY_HEADERS = ['content-type', 'content-length', 'transfer-encoding'] as const;

/**
 * Reads the body of every POST to the module's routes on the HTTP server
 * itself, before Express or Fastify sees the request, whatever body parsers
 * the app has: the exact bytes (gbk needs them, with or without `rawBody` and
 * whatever charset label), at most `maxBodyBytes` plus one socket read, within
 * `readTimeoutMs`. The request then goes on without body headers, so no parser
 * of the app reads, refuses or waits for it; the guards read the taken body.
 * A body not read to the end is answered with `Connection: close`; a sender
 * that goes away mid-body is dropped.
 *
 * An app served by another server than Nest's own (serverless handlers) skips
 * this: the request reader falls back to `rawBody` or the stream.
 */
@Injectable()
export class NotificationIntake implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly routes: MountedRoutes,
  ) {}

  onModuleInit(): void {
    const server = this.adapterHost?.httpAdapter?.getHttpServer?.() as Server | undefined;
    if (typeof server?.listeners !== 'function') return;
    const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const dispatch = () => handlers.forEach((h) => h.call(server, req, res));
      // The answer deadline counts from here: reading the body is part of the time the sender waits.
      markArrived(req, Date.now());
      if (req.method !== 'POST' || !this.routes.routeOf(req.url ?? '')) return dispatch();
      const contentType = req.headers['content-type'] ?? '';
      for (const name of BODY_HEADERS) delete req.headers[name];
      const { maxBodyBytes, readTimeoutMs } = this.options.notification;
      void readRequestBody(req, maxBodyBytes, readTimeoutMs).then((body) => {
        // A sender that went away mid-body left nobody to answer and nothing verifiable.
        if (body.outcome === 'aborted') return;
        markTaken(req, { bytes: body.bytes, outcome: body.outcome, contentType });
        if (body.outcome !== 'complete') res.setHeader('Connection', 'close');
        dispatch();
      });
    });
  }
}
