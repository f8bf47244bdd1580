import { Inject, Injectable, Logger } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterFilter } from './dead-letter-replay.ts';

/** Ops actions on the outbox: see and replay the deliveries listeners gave up on. */
@Injectable()
export class OutboxAdminService {
  private readonly logger = new Logger('BaofooOutbox');

  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  listDeadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this.db, filter);
  }

  /**
   * Replays the matching dead-lettered deliveries: each listener named gets
   * the event again with fresh attempts (its `attempts`), the others are not
   * called. Fix the listener (or what it depends on) first.
   */
  async replayDeadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const replayed = await replayDeadLetters(this.db, filter);
    if (replayed.length > 0) this.logger.log(`replaying ${replayed.length} dead-lettered deliver${replayed.length === 1 ? 'y' : 'ies'}`);
    return replayed;
  }
}
