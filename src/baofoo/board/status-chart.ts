import { escapeHtml } from '../protocol/html.ts';
import { ORDER_STATUSES } from '../orders/order-status.ts';
import type { DailyStatusCount } from './board.reader.ts';

export const STATUS_COLOURS: Record<string, string> = { PENDING: '#9aa5b1', PAID: '#2f9e44', FAILED: '#c92a2a', REVIEW: '#f08c00', EXPIRED: '#5c7cfa' };

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 44, right: 8, top: 10, bottom: 36 };

/** `days` calendar days ending with `today` (YYYY-MM-DD), oldest first. */
export function dayRange(today: string, days: number): string[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Orders by the day they were created, stacked by the status they have now,
 * as an inline SVG (no script, no CDN). A `<title>` on each bar segment gives
 * the exact count on hover.
 */
export function statusChart(counts: readonly DailyStatusCount[], days: readonly string[]): string {
  const byDay = new Map(days.map((d) => [d, new Map<string, number>()]));
  for (const c of counts) byDay.get(c.day)?.set(c.status, c.orders);
  const totals = days.map((d) => [...byDay.get(d)!.values()].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, slot * 0.7);
  const parts: string[] = [];
  days.forEach((day, i) => {
    let y = PAD.top + plotH;
    const x = PAD.left + i * slot + (slot - barW) / 2;
    for (const status of ORDER_STATUSES) {
      const n = byDay.get(day)!.get(status) ?? 0;
      if (n === 0) continue;
      const h = (n / max) * plotH;
      y -= h;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLOURS[status]}" data-day="${day}" data-status="${status}" data-orders="${n}"><title>${day} ${status}: ${n}</title></rect>`);
    }
    if (i % Math.ceil(days.length / 7) === 0) parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${escapeHtml(day.slice(5))}</text>`);
  });
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" stroke="#444"/>
    <text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end">${max}</text><text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>`;
  const legend = ORDER_STATUSES.map((s, i) => `<rect x="${PAD.left + i * 110}" y="${HEIGHT - 14}" width="10" height="10" fill="${STATUS_COLOURS[s]}"/><text x="${PAD.left + i * 110 + 14}" y="${HEIGHT - 5}">${s}</text>`).join('');
  return `<svg id="status-chart" role="img" aria-label="Orders by status per day" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-size="11" font-family="sans-serif">${axis}${parts.join('')}${legend}</svg>`;
}
