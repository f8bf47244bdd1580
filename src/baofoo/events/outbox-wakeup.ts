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
 *
 * Behind a transaction pooler LISTEN cannot work (the session it registers in
 * is handed to others after each transaction): there the settings are null
 * unless a direct `database.listenUrl` is configured, and the relay polls.
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
  /** Resolves the first time LISTEN is in place, or once it is known that it never will be (polling only). */
  readonly listeningOnce = new Promise<void>((resolve) => {
    this.markListening = resolve;
  });

  constructor(
    /** Where to LISTEN; null: nowhere (polling only). */
    private readonly settings: () => Promise<pg.ClientConfig | null>,
    private readonly onWake: () => void,
    private readonly reconnectMs: number,
    private readonly logger: Logger,
    /** Makes the LISTEN connection; a unit test passes a fake one. */
    private readonly newClient: (settings: pg.ClientConfig) => pg.Client = (settings) => new pg.Client(settings),
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
    let settings: pg.ClientConfig | null;
    try {
      settings = await this.settings();
    } catch (e) {
      this.retryLater(e);
      return;
    }
    if (this.stopped) return;
    if (!settings) {
      this.logger.log('outbox wake-ups: no LISTEN connection behind a transaction pooler (set database.listenUrl to a direct one); the relay polls');
      this.markListening();
      return;
    }
    const client = this.newClient(settings);
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
    this.retryLater(error);
  }

  private retryLater(error?: unknown): void {
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
