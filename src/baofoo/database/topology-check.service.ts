import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BaofooError } from '../protocol/errors.ts';
import { BaofooDatabase } from './baofoo-database.ts';
import { describePlan } from './database-topology.ts';

/**
 * Decides the connection plan at boot and logs it: a pooler in statement
 * mode stops the boot here instead of failing every payment. A server that
 * cannot be reached now is probed again on first use.
 */
@Injectable()
export class BaofooTopologyCheck implements OnModuleInit {
  private readonly logger = new Logger('BaofooDatabase');

  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  async onModuleInit(): Promise<void> {
    try {
      this.logger.log(describePlan(await this.db.connectionPlan()));
    } catch (e) {
      if (e instanceof BaofooError) throw e;
      this.logger.warn(`could not probe the database topology at boot (${e instanceof Error ? e.message : String(e)}); it is probed again on first use`);
    }
  }
}
