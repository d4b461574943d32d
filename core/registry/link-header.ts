/**
 * `Link: </v2/_catalog?last=b&n=100>; rel="next"` pagination of tag lists and the catalog
 * (distribution spec; RFC 8288). Only `rel="next"` matters to us.
 */

/** The `rel="next"` target resolved against `base`, or undefined on the last page. */
export function nextPageUrl(link: string | string[] | undefined, base: URL): URL | undefined {
  const values = Array.isArray(link) ? link : link ? [link] : [];
  for (const value of values) {
    // Entries are comma-separated, but a URL may contain commas: split only before `<`.
    for (const entry of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>(.*)$/.exec(entry);
      if (!m) continue;
      const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2])?.[1]?.toLowerCase().split(/\s+/) ?? [];
      if (rels.includes('next')) {
        try {
          return new URL(m[1], base);
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}
