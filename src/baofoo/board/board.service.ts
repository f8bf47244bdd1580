import { Inject, Injectable } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { OutboxAdminService } from '../events/outbox-admin.service.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { BAOFOO_BOARD_OPTIONS, type BaofooBoardOptions } from './board-options.ts';
import { BoardReader, type OrderStory } from './board.reader.ts';
import type { Overview } from './overview.page.ts';
import { dayRange, statusChart } from './status-chart.ts';

const LIST_LIMIT = 100;
const DAY_MS = 86_400_000;

/** Gathers what the board shows; the controller only renders it. */
@Injectable()
export class BoardService {
  constructor(
    private readonly reader: BoardReader,
    private readonly outbox: OutboxAdminService,
    @Inject(BAOFOO_BOARD_OPTIONS) private readonly options: BaofooBoardOptions,
    @Inject(BAOFOO_OPTIONS) private readonly baofoo: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
  ) {}

  async overview(): Promise<Overview> {
    const now = this.clock();
    const days = this.options.chartDays ?? 14;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.baofoo.timeZone }).format(now);
    // From midnight UTC of the first day less a day: the SQL groups by the protocol's day, the range only bounds the scan.
    const since = new Date(Date.parse(`${dayRange(today, days)[0]}T00:00:00Z`) - DAY_MS);
    const [counts, review, mismatches, deadLetters, backlog, bridge] = await Promise.all([
      this.reader.chart(since, this.baofoo.timeZone),
      this.reader.reviewQueue(LIST_LIMIT),
      this.reader.mismatches(50),
      this.outbox.listDeadLetters({ limit: LIST_LIMIT }),
      this.reader.backlog(now, 20),
      this.reader.bridgeBacklog(),
    ]);
    return { chart: statusChart(counts, dayRange(today, days)), review, mismatches, deadLetters, backlog, bridge };
  }

  stories(transId: string): Promise<OrderStory[]> {
    return this.reader.stories(transId);
  }
}
