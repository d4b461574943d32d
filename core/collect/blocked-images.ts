/**
 * `mirror.blockedImages` (§1.9): unanchored Go (RE2) regular expressions, translated to JS, matched against the origin and the
 * destination of every collected image (transport prefixes stripped). Matching images are dropped.
 */
import type { CollectedImage } from './collector.js';
import { compileBlockedImagePattern } from '../config/blocked-image-pattern.js';
import { stripTransport } from '../reference/image-reference.js';

export function filterBlockedImages(
  images: CollectedImage[],
  blocked: { name: string }[],
  warn: (message: string) => void,
): CollectedImage[] {
  if (blocked.length === 0) return images;
  const patterns = blocked.map((b) => ({ name: b.name, re: compileBlockedImagePattern(b.name) }));
  return images.filter((img) => {
    if (!img.origin) return true;
    const origin = stripTransport(img.origin);
    const destination = stripTransport(img.destination);
    const hit = patterns.find((p) => p.re.test(origin) || p.re.test(destination));
    if (hit) warn(`${img.origin} is blocked by blockedImages entry "${hit.name}": not mirrored`);
    return !hit;
  });
}
