import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { ConnectionOptions } from 'node:tls';
import type { BridgeMessage } from './bridge-message.ts';
import { callWithTimeout } from '../common/call-with-timeout.ts';

export interface AmqpLinkSettings {
  url: string;
  tls: ConnectionOptions | undefined;
  exchange: string;
  declareExchange: boolean;
  confirmTimeoutMs: number;
  /** Told when the broker blocks or unblocks this connection (a memory or disk alarm), and when the connection drops. */
  onState(state: 'blocked' | 'unblocked' | 'lost', detail: string): void;
}

/** Thrown when a batch's confirmations did not all arrive in time: the connection is given up. */
export class ConfirmTimeoutError extends Error {
  readonly code = 'BRIDGE_CONFIRM_TIMEOUT';
}

/**
 * One connection and one confirm channel to the broker, opened on demand
 * and given up whole on any trouble (a closed or failed connection or
 * channel, a batch not confirmed in time): the bridge then opens a new one
 * after its backoff. Every 'error' event has a listener, so nothing the
 * broker does reaches the process as an unhandled error.
 *
 * A confirm channel (amqplib's `createConfirmChannel`) because a publish is
 * only a write to a socket: the broker's ack is what says the message is in
 * its queues (on disk, for persistent messages on durable queues), and
 * `waitForConfirms` awaits the acks of a whole batch in one round trip.
 */
export class AmqpLink {
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private blockedReason: string | null = null;
  private unblockWaiters: (() => void)[] = [];

  constructor(private readonly settings: AmqpLinkSettings) {}

  get open(): boolean {
    return this.channel !== null;
  }

  /** Why the broker blocks publishing on this connection, or null. */
  get blocked(): string | null {
    return this.blockedReason;
  }

  /** Resolves when the broker unblocks this connection, or it is given up. */
  whenUnblocked(): Promise<void> {
    if (!this.blockedReason) return Promise.resolve();
    return new Promise((resolve) => this.unblockWaiters.push(resolve));
  }

  async connect(): Promise<void> {
    const { url, tls, exchange, declareExchange } = this.settings;
    // A socket timeout: a broker that accepts TCP but never answers the handshake (still booting, overloaded) fails the attempt.
    const connection = await amqp.connect(url, { ...tls, timeout: this.settings.confirmTimeoutMs, clientProperties: { connection_name: 'nestjs-baofoo bridge' } });
    // Listeners first: an 'error' without one would end the process.
    connection.on('error', (e: Error) => this.lose(connection, e.message));
    connection.on('close', (e?: Error) => this.lose(connection, e?.message ?? 'closed'));
    connection.on('blocked', (reason: string) => {
      this.blockedReason = reason || 'blocked';
      this.settings.onState('blocked', this.blockedReason);
    });
    connection.on('unblocked', () => {
      this.blockedReason = null;
      this.settings.onState('unblocked', '');
      this.releaseWaiters();
    });
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (e: Error) => this.lose(connection, `channel: ${e.message}`));
      channel.on('close', () => this.lose(connection, 'channel closed'));
      if (declareExchange) await channel.assertExchange(exchange, 'topic', { durable: true });
      this.connection = connection;
      this.channel = channel;
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Publishes the batch and resolves once the broker confirmed every message
   * of it; rejects (and gives the connection up) on a nack, a lost
   * connection, or confirmations that take longer than `confirmTimeoutMs`.
   */
  async publish(messages: readonly BridgeMessage[]): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new Error('no channel to the broker');
    for (const m of messages) channel.publish(this.settings.exchange, m.routingKey, m.body, m.properties);
    let timer: NodeJS.Timeout | undefined;
    // A slow broker (fsyncs on a busy disk) still confirms bit by bit: only a wait with no confirmation at all gives up.
    const progress = () => timer?.refresh();
    channel.on('ack', progress);
    try {
      await Promise.race([
        channel.waitForConfirms(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ConfirmTimeoutError(`no confirmation for ${this.settings.confirmTimeoutMs} ms${this.blockedReason ? ` (the broker blocks publishing: ${this.blockedReason})` : ''}`)), this.settings.confirmTimeoutMs);
        }),
      ]);
    } catch (e) {
      await this.close();
      throw e;
    } finally {
      clearTimeout(timer);
      channel.off('ack', progress);
    }
    // Confirmed: the broker reads this connection again, whether or not it said connection.unblocked.
    if (this.blockedReason) {
      this.blockedReason = null;
      this.releaseWaiters();
    }
  }

  /**
   * Gives the connection up; its unconfirmed messages are the bridge's to
   * publish again. A broker that stopped reading the socket (blocked, hung)
   * never answers the close: after `confirmTimeoutMs` the wait ends and the
   * socket is destroyed.
   */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    this.blockedReason = null;
    this.releaseWaiters();
    if (!connection) return;
    const closed = await callWithTimeout(() => connection.close().catch(() => undefined), this.settings.confirmTimeoutMs).then(
      () => true,
      () => false,
    );
    if (!closed) socketOf(connection)?.destroy();
  }

  private lose(connection: ChannelModel, detail: string): void {
    if (this.connection !== connection) return;
    this.settings.onState('lost', detail);
    void this.close();
  }

  private releaseWaiters(): void {
    for (const resolve of this.unblockWaiters.splice(0)) resolve();
  }
}

/** The socket under an amqplib connection (not in its types), to end a connection whose broker no longer reads. */
function socketOf(connection: ChannelModel): { destroy(): void } | undefined {
  return (connection as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
}
