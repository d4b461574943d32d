/** `platforms:` filters (§1.5) applied to the children of a manifest list / OCI index. */
import type { Platform } from '../image-types.js';

/** A child matches when os and architecture are equal (and the variant, when the filter names one). */
export function platformMatches(candidate: Platform | undefined, filters: Platform[]): boolean {
  if (!candidate) return false;
  return filters.some(
    (f) =>
      f.os === candidate.os &&
      f.architecture === candidate.architecture &&
      (!f.variant || f.variant === candidate.variant),
  );
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
