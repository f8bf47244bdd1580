import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SlotList } from '../common/slot-list.ts';

/**
 * Ends keep-alive on the HTTP server once the app shuts down. A gateway (or a
 * load balancer) that reuses a kept-alive socket while the instance closes it
 * gets a socket error instead of an answer. From `beforeApplicationShutdown`
 * on, every answer still to be written carries `Connection: close` (requests
 * in flight are answered as usual, then their socket closes) and idle
 * keep-alive sockets are closed at once, so the next request opens a new
 * connection, to a live instance. Server-wide: no client of the app should
 * reuse a socket of an instance that is going away.
 *
 * Before, not on, shutdown: Nest closes the server after these hooks, and
 * Node's `close()` leaves sockets that go idle later open until their
 * keep-alive timeout.
 */
@Injectable()
export class KeepAliveDrain implements OnModuleInit, BeforeApplicationShutdown {
  private server: Server | null = null;
  private draining = false;
  /** Answers not yet finished: those whose headers are still unwritten get `Connection: close` when the drain starts. */
  private readonly open = new SlotList<ServerResponse>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const server = this.adapterHost?.httpAdapter?.getHttpServer?.() as Server | undefined;
    if (typeof server?.prependListener !== 'function') return;
    this.server = server;
    // First in line, so no handler answers before the header is set.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) return closeAfter(res);
      const slot = this.open.add(res);
      res.once('close', () => this.open.remove(slot));
    });
  }

  beforeApplicationShutdown(): void {
    if (this.draining) return;
    this.draining = true;
    // Not cleared: each answer leaves the list as it closes, and a slot is freed only by its own answer.
    for (const res of this.open.values()) closeAfter(res);
    this.server?.closeIdleConnections?.();
  }
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
