/**
 * The path part of a request target, compared the way the routers do: case and one trailing slash do not
 * matter (Express's defaults). A target in absolute form (`POST http://host/path`, RFC 9112 §3.2.2) is
 * routed by its path, so its scheme and authority go; so does anything from `?` or `#` on. Fastify's router
 * (find-my-way) matches the path after `decodeURI`, so `/baofoo/%6Eotify` reaches `/baofoo/notify` there:
 * the key is decoded the same way (Express does not decode, so there the key only takes a request that
 * then finds no route, which is harmless; missing one would let it past the intake's limits).
 */
export function routeKey(url: string): string {
  const raw = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] || '/';
  const path = decodedAsRouted(raw);
  return (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
}

function decodedAsRouted(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    // A malformed escape: find-my-way refuses the request, Express matches the text as it is.
    return path;
  }
}
