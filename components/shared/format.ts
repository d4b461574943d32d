/** Text formatting shared by the dashboard, the summary and the wizard. All pure. */

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/**
 * Binary units ("1.5 GiB", "1023.9 KiB"): at most one decimal, cut rather than rounded (a transfer never shows
 * its full size before it is done), as pretty-bytes writes them. Written out because pretty-bytes' Intl
 * `toLocaleString` call cost the dashboard more than the rest of a frame's text formatting.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // The shortest decimal form of the double (what Intl starts from too), cut after one decimal.
  let text = String(value);
  const dot = text.indexOf('.');
  if (dot >= 0) text = text.slice(0, dot + 2);
  if (text.endsWith('.0')) text = text.slice(0, -2);
  return `${text} ${BINARY_UNITS[unit]}`;
}

/** "12.3 MiB/s"; undefined or zero speed shows as "–" so a stalled transfer is visible. */
export function formatSpeed(bytesPerSecond: number | undefined, dash = '-'): string {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return dash;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Wall-clock style for elapsed time in the header: "04:05", "1:02:03". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Human duration for ETA and the summary: "0.4s", "9.9s", "45s", "12m 05s", "2h 03m". Tenths below 10 s, so
 * a short run never reads "finished in 0s" next to a non-zero average speed.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

/** Percentage of a fraction, always 0..100, integer. */
export function formatPercent(fraction: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return `${Math.floor(f * 100)}%`;
}

/**
 * Cuts a string to `width` characters keeping both ends, because the end of an image reference (tag or
 * digest) matters as much as the registry at the start: "quay.io/openshift…ocp-release:4.16.3-x86_64".
 */
export function truncateMiddle(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= ellipsis.length) return chars.slice(0, width).join('');
  const keep = width - ellipsis.length;
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return chars.slice(0, head).join('') + ellipsis + (tail > 0 ? chars.slice(chars.length - tail).join('') : '');
}

/** Cuts the end of a string to `width` characters. */
export function truncateEnd(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= ellipsis.length) return chars.slice(0, width).join('');
  return chars.slice(0, width - ellipsis.length).join('') + ellipsis;
}

/** Pads or cuts to exactly `width` characters (for column alignment). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ellipsis = '…'): string {
  const cut = truncateEnd(text, width, ellipsis);
  const pad = Math.max(0, width - Array.from(cut).length);
  return align === 'left' ? cut + ' '.repeat(pad) : ' '.repeat(pad) + cut;
}

/** The 12 hex characters skopeo and docker show for a blob ("sha256:" dropped). */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  const hex = colon >= 0 ? digest.slice(colon + 1) : digest;
  return hex.slice(0, 12);
}
