import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` → `1.2.3.4`; zone ids dropped; lower case. Anything that is not an IP stays as it was (and matches nothing). */
export function normalizeIp(text: string): string {
  const trimmed = (text ?? '').trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

const MEMO_SIZE = 1024;

/** A set of IPs and CIDRs (IPv4 and IPv6). Throws on an entry it cannot read, naming it. */
export class IpRanges {
  private readonly list = new BlockList();
  /** Answers by the text asked, at most MEMO_SIZE of them (forgotten all at once): the ranges never change. */
  private readonly answers = new Map<string, boolean>();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const [address, prefix, ...rest] = raw.trim().split('/');
      const ip = normalizeIp(address);
      const family = isIP(ip);
      const bits = prefix === undefined ? undefined : Number(prefix);
      const max = family === 4 ? 32 : 128;
      if (!family || rest.length > 0 || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > max || prefix === ''))) {
        throw new Error(`"${raw}" is not an IP address or CIDR range`);
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(ip, type);
      else this.list.addSubnet(ip, bits, type);
    }
    this.size = entries.length;
  }

  has(ip: string): boolean {
    const known = this.answers.get(ip);
    if (known !== undefined) return known;
    const normalized = normalizeIp(ip);
    const family = isIP(normalized);
    const answer = family !== 0 && this.list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
    // BlockList.check builds a SocketAddress per call; the gateway's few addresses ask the same question all day.
    if (this.answers.size >= MEMO_SIZE) this.answers.clear();
    this.answers.set(ip, answer);
    return answer;
  }
}

/**
 * The client of a request: the socket peer, or, when the peer is a trusted
 * proxy, the nearest untrusted hop of X-Forwarded-For read from the right.
 * The leftmost entry is whatever the sender wrote and is never believed.
 */
export function clientIpOf(peer: string, forwardedFor: string | string[] | undefined, proxies: IpRanges): string {
  const from = normalizeIp(peer);
  if (!proxies.has(from)) return from;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((h) => normalizeIp(h)).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!proxies.has(hops[i])) return hops[i];
  return hops[0] ?? from;
}
