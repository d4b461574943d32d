/**
 * File names of the archive set (`../../shared/spec/core.md` §4.1) and the RFC 3339 stamps used in names.
 */

/** `mirror_000001.tar`: the only names D2M imports (anchored, see archive-extractor). */
export const CHUNK_NAME_PATTERN = /^mirror_[0-9]{6}\.tar$/;

/** What oc-mirror's error message shows; kept verbatim. */
export const CHUNK_NAME_REGEX_TEXT = 'mirror_[0-9]{6}\\.tar';

/** Chunks being written. Deliberately not matching `mirror_[0-9]{6}\.tar`, even unanchored. */
export const PARTIAL_CHUNK_PATTERN = /^\.ocm-partial-[0-9]{6}\.tar$/;

export function chunkFileName(n: number): string {
  return `mirror_${String(n).padStart(6, '0')}.tar`;
}

export function partialChunkFileName(n: number): string {
  return `.ocm-partial-${String(n).padStart(6, '0')}.tar`;
}

/** `2025-01-31T10:00:00Z`: Go's `time.RFC3339` of a UTC time (whole seconds). */
export function rfc3339UtcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Name of the ImageSetConfiguration copy at the root of the archive. */
export function iscArchiveName(now: Date): string {
  return `isc_${rfc3339UtcSeconds(now)}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp as Go's `time.Parse(time.RFC3339, …)` accepts it; undefined when invalid. */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${m[7] ?? ''}${m[8].toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2025-02-30 over to March; Go refuses it.
  const probe = new Date(Date.UTC(Number(y), month - 1, day));
  if (probe.getUTCDate() !== day) return undefined;
  return new Date(ms);
}
