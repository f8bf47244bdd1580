import { logText } from './log-text.ts';

describe('logText', () => {
  it('keeps a forged line break, quote or escape from starting a new log line', () => {
    const forged = '1000001\r\n[Nest] 1 - LOG [BaofooNotifications] payment OK "x" \\ \u001b[31m';
    const logged = logText(forged);
    expect(logged).not.toMatch(/[\r\n\u001b]/);
    expect(JSON.parse(logged)).toBe(forged);
  });

  it('cuts long values and never leaves a lone surrogate', () => {
    expect(logText('a'.repeat(300), 10)).toBe(JSON.stringify(`${'a'.repeat(10)}…`));
    expect(logText('\ud800x')).toBe(JSON.stringify('\ufffdx'));
  });
});
