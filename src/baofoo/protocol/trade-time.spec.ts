import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { transformSync } from '@swc/core';
import fc from 'fast-check';
import { DEFAULT_TIME_ZONE, formatTradeTime, isTradeTime, parseTradeTime, systemClock, tradeTimeIso } from './trade-time.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';

/** `yyyyMMddHHmmss` of an instant in UTC+8 (Shanghai has had no DST since 1991), without the code under test. */
const utcPlus8 = (instant: Date) => new Date(instant.getTime() + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);


describe('formatTradeTime', () => {
  it('uses Shanghai by default', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
  });

  it('renders an instant as the Shanghai wall-clock time', () => {
    expect(formatTradeTime(new Date('2014-10-29T10:45:03Z'))).toBe('20141029184503');
  });

  it('moves to the next Shanghai day at 16:00 UTC', () => {
    expect(formatTradeTime(new Date('2014-10-29T15:59:59Z'))).toBe('20141029235959');
    expect(formatTradeTime(new Date('2014-10-29T16:00:00Z'))).toBe('20141030000000');
  });

  it('moves to the next Shanghai year on New Year’s Eve afternoon UTC', () => {
    expect(formatTradeTime(new Date('2014-12-31T16:30:00Z'))).toBe('20150101003000');
  });

  it('renders midnight as hour 00, never 24', () => {
    expect(formatTradeTime(new Date('2016-02-28T16:00:00Z'))).toBe('20160229000000');
  });

  it('truncates milliseconds rather than rounding them', () => {
    expect(formatTradeTime(new Date('2014-10-29T10:45:03.999Z'))).toBe('20141029184503');
  });

  it('renders in another zone when one is configured', () => {
    expect(formatTradeTime(new Date('2014-10-29T10:45:03Z'), 'UTC')).toBe('20141029104503');
    expect(formatTradeTime(new Date('2014-07-01T10:45:03Z'), 'America/New_York')).toBe('20140701064503');
    expect(formatTradeTime(new Date('2014-12-01T10:45:03Z'), 'America/New_York')).toBe('20141201054503');
  });

  it('agrees with a plain UTC+8 computation for arbitrary instants', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => formatTradeTime(instant) === utcPlus8(instant)),
      { numRuns: 10_000 },
    );
  });

  it('renders Shanghai time whatever the time zone of the process', () => {
    // Jest gives each test file a copy of process.env, so TZ is changed in a real
    // Node process running the module compiled on the fly.
    const compile = (file: string) =>
      transformSync(readFileSync(new URL(file, import.meta.url), 'utf8'), {
        filename: file,
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'es6' },
      }).code;
    const asDataUrl = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
    const tradeTime = compile('./trade-time.ts')
      .replace(/(["'])\.\/errors\.ts\1/, JSON.stringify(asDataUrl(compile('./errors.ts'))))
      .replace(/(["'])\.\/zoned-time\.ts\1/, JSON.stringify(asDataUrl(compile('./zoned-time.ts'))));
    const script = `
      const { formatTradeTime, parseTradeTime } = await import(${JSON.stringify(asDataUrl(tradeTime))});
      const out = [];
      for (const zone of ['UTC', 'America/New_York', 'Pacific/Kiritimati', 'Asia/Kolkata', 'Asia/Shanghai']) {
        process.env.TZ = zone;
        const instant = new Date('2014-10-29T10:45:03Z');
        out.push({ zone, offset: instant.getTimezoneOffset(), formatted: formatTradeTime(instant), parsed: parseTradeTime('20141029184503').toISOString() });
      }
      process.stdout.write(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-'], { input: script, encoding: 'utf8', env: { ...process.env, TZ: 'America/Los_Angeles' } });
    expect(child.stderr).toBe('');
    const results = JSON.parse(child.stdout) as { zone: string; offset: number; formatted: string; parsed: string }[];
    // The process zone really changed…
    expect(results.map((r) => r.offset)).toEqual([0, 240, -840, -330, -480]);
    // …and the trade time did not.
    for (const r of results) {
      expect(r.formatted).toBe('20141029184503');
      expect(r.parsed).toBe('2014-10-29T10:45:03.000Z');
    }
  });
});

describe('isTradeTime', () => {
  it.each(['20141029184503', '20160229235959', '20000229000000', '19991231235959', '20141231000000', '99991231235959'])('accepts %s', (text) => {
    expect(isTradeTime(text)).toBe(true);
  });

  it.each([
    ['February 30th', '20140230120000'],
    ['February 29th of a common year', '20150229120000'],
    ['February 29th of 1900', '19000229120000'],
    ['April 31st', '20140431120000'],
    ['month 00', '20140029120000'],
    ['month 13', '20141329120000'],
    ['day 00', '20141000120000'],
    ['day 32', '20141032120000'],
    ['hour 24', '20141029240000'],
    ['minute 60', '20141029126000'],
    ['second 60', '20141029120060'],
    ['13 digits', '2014102912000'],
    ['15 digits', '201410291200000'],
    ['an empty string', ''],
    ['separators', '2014-10-29 12:00'],
    ['a trailing newline', '20141029120000\n'],
    ['full-width digits', '２０１４１０２９１２００００'],
    ['a sign', '+2014102912000'],
  ])('refuses %s', (_label, text) => {
    expect(isTradeTime(text)).toBe(false);
  });
});

describe('parseTradeTime', () => {
  it('reads a Shanghai wall-clock time as the instant it stands for', () => {
    expect(parseTradeTime('20141029184503').toISOString()).toBe('2014-10-29T10:45:03.000Z');
  });

  it('reads a time just after Shanghai midnight as the previous UTC day', () => {
    expect(parseTradeTime('20150101003000').toISOString()).toBe('2014-12-31T16:30:00.000Z');
  });

  it('reads times in another zone, across daylight saving time', () => {
    expect(parseTradeTime('20141029104503', 'UTC').toISOString()).toBe('2014-10-29T10:45:03.000Z');
    expect(parseTradeTime('20140701064503', 'America/New_York').toISOString()).toBe('2014-07-01T10:45:03.000Z');
    expect(parseTradeTime('20141201054503', 'America/New_York').toISOString()).toBe('2014-12-01T10:45:03.000Z');
  });

  it.each(['20140230120000', '2014102918450', '', 'yesterday', '20141029240000'])('refuses %p with TIME_MALFORMED', (text) => {
    const error = protocolErrorOf(() => parseTradeTime(text, DEFAULT_TIME_ZONE, 'SuccTime'));
    expect(error.code).toBe('TIME_MALFORMED');
    expect(error.evidence).toEqual({ field: 'SuccTime', value: text });
    expect(error.message).toContain('SuccTime');
  });

  it('round-trips with formatTradeTime to the second for arbitrary instants', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const text = formatTradeTime(instant);
        const back = parseTradeTime(text);
        return back.getTime() === Math.floor(instant.getTime() / 1000) * 1000 && formatTradeTime(back) === text;
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips in a zone with daylight saving time, where the repeated autumn hour may come back as its twin', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const text = formatTradeTime(instant, 'Europe/Berlin');
        const back = parseTradeTime(text, 'Europe/Berlin');
        // In the repeated autumn hour the same wall-clock text names two instants: either is right.
        return formatTradeTime(back, 'Europe/Berlin') === text && Math.abs(back.getTime() - Math.floor(instant.getTime() / 1000) * 1000) % 3_600_000 === 0;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('systemClock', () => {
  it('tells the current time', () => {
    const before = Date.now();
    const now = systemClock().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('tradeTimeIso', () => {
  it('writes a Shanghai time with its +08:00 offset, the same instant as parseTradeTime', () => {
    expect(tradeTimeIso('20261125120000')).toBe('2026-11-25T12:00:00+08:00');
    expect(new Date(tradeTimeIso('20261125120000')).getTime()).toBe(parseTradeTime('20261125120000').getTime());
  });

  it('writes the offset of the moment in a zone with daylight saving, negative ones included', () => {
    expect(tradeTimeIso('20140701064503', 'America/New_York')).toBe('2014-07-01T06:45:03-04:00');
    expect(tradeTimeIso('20140101064503', 'America/New_York')).toBe('2014-01-01T06:45:03-05:00');
    expect(tradeTimeIso('20140101064503', 'Asia/Kolkata')).toBe('2014-01-01T06:45:03+05:30');
  });

  it('refuses what is not a time, naming the field', () => {
    expect(protocolErrorOf(() => tradeTimeIso('20261325120000', 'Asia/Shanghai', 'SuccTime'))).toMatchObject({ code: 'TIME_MALFORMED', evidence: { field: 'SuccTime' } });
  });
});
