/**
 * The path part of a request target, compared the way the routers do: case and one trailing slash do not
 * matter (Express's defaults). A target in absolute form (`POST http://host/path`, RFC 9112 §3.2.2) is
 * routed by its path, so its scheme and authority go; so does anything from `?` or `#` on.
 */
export function routeKey(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] || '/';
  return (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
}
