/**
 * Version strings in the configuration.
 *
 * Operator package/channel `minVersion`/`maxVersion` use Masterminds semver v3 `NewVersion` (lenient), which
 * oc-mirror's validation and the catalog filter use. Accepted exactly:
 *   `v?MAJOR(.MINOR)?(.PATCH)?(-PRERELEASE)?(+BUILD)?`
 * - an optional lowercase `v`; missing minor/patch count as 0 (`1` → 1.0.0, `v1.2` → 1.2.0);
 * - major/minor/patch are digit strings that fit an unsigned 64-bit integer (leading zeros are accepted);
 * - prerelease and build are dot-separated identifiers of `[0-9A-Za-z-]`; a purely numeric prerelease
 *   identifier must not have a leading zero (`1.0.0-01` is rejected);
 * - nothing else: no spaces, no `V`, no `=`/`>` operators, no `1.2.3.4`.
 * npm's `semver.coerce` is not used: it would accept `foo1.2`.
 */
import semver from 'semver';

const MASTERMINDS =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = 18446744073709551615n;

/** Masterminds NewVersion: the normalised `X.Y.Z[-pre][+build]`, or undefined when not accepted. */
export function parseLenientSemver(text: string): string | undefined {
  const m = MASTERMINDS.exec(text);
  if (!m) return undefined;
  const numbers = [m[1], (m[2] ?? '.0').slice(1), (m[3] ?? '.0').slice(1)].map((n) => BigInt(n));
  if (numbers.some((n) => n > UINT64_MAX)) return undefined;
  const prerelease = m[5];
  if (prerelease && prerelease.split('.').some((id) => /^[0-9]+$/.test(id) && id.length > 1 && id.startsWith('0'))) {
    return undefined;
  }
  let normalised = numbers.join('.');
  if (prerelease) normalised += `-${prerelease}`;
  if (m[8]) normalised += `+${m[8]}`;
  return normalised;
}

/**
 * Release channel versions are compared with Cincinnati's versions, which are always full semantic versions;
 * oc-mirror parses them strictly later (and crashes on some bad values), so we require `X.Y.Z[-pre][+build]`.
 */
export function isStrictSemver(text: string): boolean {
  return semver.valid(text) === text && !text.startsWith('v');
}

/** Compare two versions accepted by parseLenientSemver or isStrictSemver (semver precedence). */
export function compareVersions(a: string, b: string): number {
  const left = parseLenientSemver(a);
  const right = parseLenientSemver(b);
  if (!left || !right || !semver.valid(left) || !semver.valid(right)) return 0;
  return semver.compare(left, right);
}
