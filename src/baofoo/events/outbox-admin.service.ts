import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterFilter } from './dead-letter-replay.ts';
import { pgPoolOf } from './pg-pool.ts';

/** Ops actions on the outbox: see and replay the deliveries listeners gave up on. */
@Injectable()
export class OutboxAdminService {
  private readonly logger = new Logger('BaofooOutbox');

  constructor(@Optional() @Inject(DataSource) private readonly dataSource?: DataSource) {}

  listDeadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this.pool(), filter);
  }

  /**
   * Replays the matching dead-lettered deliveries: each listener named gets
   * the event again with a fresh `outbox.maxAttempts`, the others are not
   * called. Fix the listener (or what it depends on) first.
   */
  async replayDeadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const replayed = await replayDeadLetters(this.pool(), filter);
    if (replayed.length > 0) this.logger.log(`replaying ${replayed.length} dead-lettered deliver${replayed.length === 1 ? 'y' : 'ies'}`);
    return replayed;
  }

  private pool() {
    if (!this.dataSource) throw new Error('the Baofoo outbox admin needs TypeORM: import TypeOrmModule.forRoot(baofooPostgresOptions({ url })) in the app');
    return pgPoolOf(this.dataSource);
  }
}
