import { ReferenceParseError } from './reference-error.js';
import { digestProblem } from './reference-grammar.js';

/** Longest tag a registry accepts. */
const TAG_MAX = 128;

/**
 * The tag under which a digest-only image is stored: `sha256:<hex>` → `sha256-<hex>` (§8.2). Like
 * oc-mirror's release/helm code, a result longer than 128 characters is cut to 127 (only for sha512).
 */
export function digestTag(digest: string): string {
  const problem = digestProblem(digest);
  if (problem) throw new ReferenceParseError(digest, problem, 'a digest looks like sha256:<64 lower-case hex>');
  const tag = digest.replace(':', '-');
  return tag.length > TAG_MAX ? tag.slice(0, TAG_MAX - 1) : tag;
}
