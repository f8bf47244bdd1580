import { dayRange, statusChart } from './status-chart.ts';

describe('statusChart', () => {
  it('draws one segment per day and status with its count, tallest day at full height', () => {
    const days = dayRange('2026-11-30', 3);
    expect(days).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    const svg = statusChart(
      [
        { day: '2026-11-28', status: 'PAID', orders: 4 },
        { day: '2026-11-30', status: 'PAID', orders: 6 },
        { day: '2026-11-30', status: 'REVIEW', orders: 2 },
        { day: '2026-10-01', status: 'PAID', orders: 99 },
      ],
      days,
    );
    const segments = [...svg.matchAll(/data-day="([^"]+)" data-status="([^"]+)" data-orders="(\d+)"/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(segments).toEqual(['2026-11-28 PAID 4', '2026-11-30 PAID 6', '2026-11-30 REVIEW 2']);
    // The axis is labelled with the largest daily total (6 + 2), not with a day outside the range.
    expect(svg).toContain('text-anchor="end">8</text>');
  });

  it('draws an empty chart without dividing by zero', () => {
    expect(statusChart([], dayRange('2026-11-30', 14))).not.toMatch(/NaN|Infinity/);
  });
});
