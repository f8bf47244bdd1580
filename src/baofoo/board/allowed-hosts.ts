/** Names a browser on the operator's own machine uses for it. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

// A host name or bracketed IPv6 literal with an optional port, nothing else: `user@host`, paths and spaces are refused, not parsed.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?$/i;
const HOST_NAME = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/i;

/** The host name of a Host (or X-Forwarded-Host) value, lower case, without port or trailing dot; '' when it is not one. */
export function hostNameOf(host: string | undefined): string {
  const match = HOST_HEADER.exec((host ?? '').trim());
  return match ? match[1].toLowerCase().replace(/\.$/, '') : '';
}

/**
 * The host names the board answers on: `configured` when given, else the
 * loopback names and the merchant's bound domains (exact names: a subdomain
 * is not the domain's board). Throws naming each entry that is not a bare host name.
 */
export function allowedHostNames(configured: readonly string[] | undefined, boundDomains: readonly string[]): ReadonlySet<string> {
  const entries = configured ?? [...LOOPBACK_HOSTS, ...boundDomains];
  const bad = entries.filter((e) => typeof e !== 'string' || !HOST_NAME.test(e.replace(/\.$/, '')));
  if (bad.length > 0) {
    throw new Error(`allowedHosts: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not a host name' : 'are not host names'} (give bare names like ops.example.com or [::1], without scheme, port or path)`);
  }
  return new Set(entries.map((e) => e.toLowerCase().replace(/\.$/, '')));
}
