/** Timestamp spellings oc-mirror uses in file names. */

/** `YYYYMMDD_HHMMSS` in local time, for log and error-report names (§3.0). */
export function runStamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}_${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** RFC 3339 in UTC with whole seconds: `2025-01-31T10:00:00Z`. */
export function rfc3339Utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
