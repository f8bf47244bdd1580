import { normalizeIp, type IpRanges } from '../config/ip-ranges.ts';

export interface OriginRequest {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string; encrypted?: boolean };
}

/** The value the nearest proxy wrote: the last of a header's comma-separated values. */
function nearest(value: string | string[] | undefined): string | undefined {
  const all = (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((v) => v.trim()).filter(Boolean);
  return all.at(-1);
}

/**
 * The scheme and host the browser addressed: the request's Host and socket,
 * or, only when the socket peer is a trusted proxy (`notification.trustedProxies`),
 * the X-Forwarded-Host and X-Forwarded-Proto it wrote. Anyone else's
 * X-Forwarded-* is what the sender typed and is ignored.
 */
export function requestOrigin(req: OriginRequest, proxies: IpRanges): { proto: string; host: string } {
  const direct = { proto: req.socket?.encrypted ? 'https' : 'http', host: nearest(req.headers.host) ?? '' };
  if (!proxies.has(normalizeIp(req.socket?.remoteAddress ?? ''))) return direct;
  const proto = nearest(req.headers['x-forwarded-proto'])?.toLowerCase();
  return { proto: proto === 'https' || proto === 'http' ? proto : direct.proto, host: nearest(req.headers['x-forwarded-host']) ?? direct.host };
}

/** Whether `origin` (an Origin header) is the origin the request was addressed to. */
export function sameOrigin(origin: string, addressed: { proto: string; host: string }): boolean {
  try {
    return new URL(origin).origin === new URL(`${addressed.proto}://${addressed.host}`).origin;
  } catch {
    return false;
  }
}
