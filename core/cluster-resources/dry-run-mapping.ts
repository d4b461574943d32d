/**
 * `working-dir/dry-run/mapping.txt` (§7.1): one `<source>=<destination>` line per image, in the given
 * (collection) order, both sides with their transport as used for copying.
 */
export function formatMapping(images: readonly { source: string; destination: string }[]): string {
  return images.map((image) => `${image.source}=${image.destination}\n`).join('');
}
