import { IpRanges, normalizeIp } from './ip-ranges.ts';

describe('normalizeIp', () => {
  it('unwraps IPv4-mapped IPv6 addresses so a socket peer matches an IPv4 allowlist', () => {
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
  });

  it('trims spaces, lower-cases and drops an IPv6 zone id', () => {
    expect(normalizeIp('  10.1.2.3 ')).toBe('10.1.2.3');
    expect(normalizeIp('FE80::1%eth0')).toBe('fe80::1');
  });

  it('leaves text that is not an IP as it is', () => {
    expect(normalizeIp('unknown')).toBe('unknown');
    expect(normalizeIp('')).toBe('');
  });
});

describe('IpRanges', () => {
  const ranges = new IpRanges(['10.1.2.3', '192.168.0.0/16', '2001:db8::/32', '::1']);

  it('matches single addresses and CIDR ranges of both families', () => {
    expect(ranges.has('10.1.2.3')).toBe(true);
    expect(ranges.has('192.168.255.7')).toBe(true);
    expect(ranges.has('2001:db8:1::9')).toBe(true);
    expect(ranges.has('::1')).toBe(true);
  });

  it('refuses neighbours just outside the ranges', () => {
    expect(ranges.has('10.1.2.4')).toBe(false);
    expect(ranges.has('192.169.0.1')).toBe(false);
    expect(ranges.has('2001:db9::1')).toBe(false);
    expect(ranges.has('127.0.0.1')).toBe(false);
  });

  it('matches the IPv4-mapped form of an allowed IPv4 address', () => {
    expect(ranges.has('::ffff:10.1.2.3')).toBe(true);
    expect(ranges.has('::ffff:192.168.1.1')).toBe(true);
  });

  it('accepts IPv4-mapped entries in the list itself', () => {
    expect(new IpRanges(['::ffff:127.0.0.1']).has('127.0.0.1')).toBe(true);
  });

  it('never matches something that is not an IP, even with an empty-looking entry', () => {
    expect(ranges.has('')).toBe(false);
    expect(ranges.has('10.1.2.3, 6.6.6.6')).toBe(false);
    expect(ranges.has('not-an-ip')).toBe(false);
  });

  it('counts its entries, and an empty list matches nothing', () => {
    expect(ranges.size).toBe(4);
    const empty = new IpRanges([]);
    expect(empty.size).toBe(0);
    expect(empty.has('127.0.0.1')).toBe(false);
  });

  it('treats /0 as everything of its family and /32 as one address', () => {
    expect(new IpRanges(['0.0.0.0/0']).has('203.0.113.9')).toBe(true);
    expect(new IpRanges(['0.0.0.0/0']).has('2001:db8::1')).toBe(false);
    expect(new IpRanges(['10.0.0.1/32']).has('10.0.0.2')).toBe(false);
  });

  it.each(['10.1.2', '10.1.2.3/33', '10.1.2.3/', '10.1.2.3/8/1', '2001:db8::/129', 'example.com', '10.0.0.0/x', '10.0.0.0/-1'])(
    'refuses the unreadable entry %p and names it',
    (entry) => {
      expect(() => new IpRanges([entry])).toThrow(`"${entry}" is not an IP address or CIDR range`);
    },
  );

  it('gives the same answers after thousands of distinct addresses have passed through its memo', () => {
    const asked = Array.from({ length: 3000 }, (_, i) => `172.16.${i >> 8}.${i & 255}`);
    for (const ip of asked) expect(ranges.has(ip)).toBe(false);

    expect(ranges.has('10.1.2.3')).toBe(true);
    expect(ranges.has('192.168.3.4')).toBe(true);
    expect(ranges.has('10.1.2.4')).toBe(false);
    expect(ranges.has(asked[0])).toBe(false);
  });
});
