import type { Logger } from '@nestjs/common';
import pg from 'pg';
import { OUTBOX_CHANNEL } from './outbox.constants.ts';

/** Longest wait between two reconnection attempts, however long the database stays away. */
const RECONNECT_CAP_MS = 30_000;

/**
 * A connection of its own that LISTENs on the outbox channel and calls
 * `onWake` for each notification. It is only a shortcut: when it is down
 * (the database restarted, a proxy that drops LISTEN) the relay's polling
 * still delivers, and the connection comes back on its own: the first
 * attempt after `reconnectMs`, each further one waiting twice as long, up to
 * 30 s, so a database that stays away is not hammered by every instance.
 */
export class OutboxWakeup {
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private up = false;
  private warned = false;
  /** Failed attempts since LISTEN was last in place. */
  private failures = 0;
  private markListening: () => void = () => undefined;
  /** Resolves the first time LISTEN is in place. */
  readonly listeningOnce = new Promise<void>((resolve) => {
    this.markListening = resolve;
  });

  constructor(
    private readonly settings: pg.ClientConfig,
    private readonly onWake: () => void,
    private readonly reconnectMs: number,
    private readonly logger: Logger,
  ) {}

  get listening(): boolean {
    return this.up;
  }

  start(): void {
    void this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.up = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    const client = new pg.Client(this.settings);
    this.client = client;
    client.on('notification', () => this.onWake());
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (e) {
      this.lost(client, e);
      return;
    }
    if (this.client !== client) return;
    if (this.warned) this.logger.log('outbox wake-up connection is back');
    this.up = true;
    this.warned = false;
    this.failures = 0;
    this.markListening();
    // Whatever was committed while nobody listened is picked up now, not at the next poll.
    this.onWake();
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.up = false;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (!this.warned) {
      this.warned = true;
      this.logger.warn(`outbox wake-up connection lost (${error instanceof Error ? error.message : 'closed'}); polling continues, reconnecting`);
    }
    const wait = Math.min(RECONNECT_CAP_MS, this.reconnectMs * 2 ** this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(() => void this.open(), wait);
    this.retryTimer.unref();
  }
}
