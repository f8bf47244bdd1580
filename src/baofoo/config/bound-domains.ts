/** The host name of `url`, lower-cased; '' when `url` is no URL. */
export function urlHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Whether `url` is on one of the merchant's bound domains (the domain itself
 * or a subdomain): the gateway serves only those (spec §7.5). `bound` is
 * lower-case.
 */
export function onBoundDomain(url: string, bound: readonly string[]): boolean {
  const host = urlHost(url);
  return host !== '' && bound.some((d) => host === d || host.endsWith(`.${d}`));
}
