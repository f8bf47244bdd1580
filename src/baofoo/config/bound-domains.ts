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

/**
 * PageUrl and ReturnUrl default to addresses under `publicBaseUrl`: off the
 * bound domains, every payment would be refused (or, unchecked, fail at the
 * gateway), so boot refuses it in every environment, not at the first payment.
 * `name` names an option as the user set it (see `optionNamer`).
 */
export function publicBaseUrlProblems(publicBaseUrl: string | undefined, boundDomains: readonly string[] | undefined, name: (path: string) => string): string[] {
  const bound = (boundDomains ?? []).map((d) => d.toLowerCase());
  if (!publicBaseUrl || bound.length === 0 || onBoundDomain(publicBaseUrl, bound)) return [];
  const both = (path: string, variable: string) => (name(path) === path ? `${path} (env ${variable})` : `${name(path)} (option ${path})`);
  return [
    `${both('notification.publicBaseUrl', 'BAOFOO_PUBLIC_BASE_URL')} ${publicBaseUrl} is not on a bound domain of ${both('boundDomains', 'BAOFOO_BOUND_DOMAINS')}: ${bound.join(', ')}. ` +
      "PageUrl and ReturnUrl are built from it and the gateway serves only bound domains (spec §7.5): set it to the shop's address on a bound domain, or add its domain to the bound domains if the gateway has bound it",
  ];
}
