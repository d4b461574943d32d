/**
 * Masterminds semver v3 versions and constraints (`NewVersion`, `StrictNewVersion`, `NewConstraint`,
 * `Constraints.Check`), which the catalog filter uses for `minVersion`/`maxVersion` (collectors.md §2.5).
 *
 * The range syntax is Masterminds', not npm's: comparators separated by spaces or commas form an AND group,
 * `||` separates groups, `a - b` is a hyphen range, `x`/`X`/`*` are wildcards, `~`/`~>`/`^` work as in
 * Masterminds. Versions may be lenient (`v1.2`, `1`), a missing minor or patch in a comparator makes it
 * "dirty" (`<=1.2` accepts every `1.2.z`).
 *
 * Prerelease rule (Masterminds, not npm): a version with a prerelease satisfies an AND group only when at least
 * one comparator of that group has a prerelease; it is then compared by plain semver precedence, with no
 * "same major.minor.patch" restriction. So `>=1.2.3` rejects `1.5.0-rc.1`, `>=1.2.3-0` accepts it.
 */
import { OcmError } from '../../errors.js';
import { parseLenientSemver } from '../../config/lenient-semver.js';

/** A parsed version. Numbers are unsigned 64-bit, as in Go. */
export interface MastermindsVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Without the leading `-`; '' when none. */
  readonly prerelease: string;
  /** Build metadata without the leading `+`; '' when none. Ignored by comparisons. */
  readonly metadata: string;
}

type Operator = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

interface Comparator {
  readonly operator: Operator;
  /** The version as written after the operator (Masterminds' `orig`). */
  readonly original: string;
  readonly version: MastermindsVersion;
  /** Some part was missing or a wildcard. */
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

/** A parsed constraint string: OR of AND groups. */
export interface VersionRange {
  /** The string as given. */
  readonly text: string;
  readonly groups: readonly (readonly Comparator[])[];
  /** Per group: one of its comparators has a prerelease, so prerelease versions are considered. */
  readonly groupIncludesPrerelease: readonly boolean[];
}

/** A constraint string Masterminds would reject (`NewConstraint` error text). */
export class VersionRangeError extends OcmError {
  constructor(message: string) {
    super('VERSION_RANGE', message);
  }
}

const UINT64_MAX = 18446744073709551615n;

/** Masterminds `NewVersion` (lenient: `v` prefix, missing minor/patch, leading zeros). */
export function parseVersion(text: string): MastermindsVersion | undefined {
  const normalised = parseLenientSemver(text);
  return normalised === undefined ? undefined : splitNormalised(normalised);
}

/**
 * Masterminds `StrictNewVersion`, which the filter applies to every bundle's `olm.package` version:
 * exactly `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, no `v`, no leading zeros.
 */
export function parseStrictVersion(text: string): MastermindsVersion | undefined {
  if (text === '') return undefined;
  const parts = splitN(text, '.', 3);
  if (parts.length !== 3) return undefined;
  let last = parts[2];
  let metadata = '';
  let prerelease = '';
  const plus = last.indexOf('+');
  if (plus >= 0) {
    metadata = last.slice(plus + 1);
    last = last.slice(0, plus);
    if (!validIdentifiers(metadata, false)) return undefined;
  }
  const dash = last.indexOf('-');
  if (dash >= 0) {
    prerelease = last.slice(dash + 1);
    last = last.slice(0, dash);
    if (!validIdentifiers(prerelease, true)) return undefined;
  }
  const numbers: bigint[] = [];
  for (const part of [parts[0], parts[1], last]) {
    if (!/^[0-9]+$/.test(part)) return undefined;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = BigInt(part);
    if (n > UINT64_MAX) return undefined;
    numbers.push(n);
  }
  return { major: numbers[0], minor: numbers[1], patch: numbers[2], prerelease, metadata };
}

/** `Version.String()`: `X.Y.Z[-pre][+meta]`. */
export function formatVersion(v: MastermindsVersion): string {
  let text = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prerelease) text += `-${v.prerelease}`;
  if (v.metadata) text += `+${v.metadata}`;
  return text;
}

/** `Version.Compare`: semver precedence, build metadata ignored. */
export function compareVersions(a: MastermindsVersion, b: MastermindsVersion): number {
  for (const [x, y] of [
    [a.major, b.major],
    [a.minor, b.minor],
    [a.patch, b.patch],
  ] as const) {
    if (x !== y) return x > y ? 1 : -1;
  }
  if (a.prerelease === '' && b.prerelease === '') return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/**
 * The filter's `versionRange` for a package or channel: `">=" + min` and/or `" <=" + max` (leading space when
 * only max is set), '' when neither is set — oc-mirror's `filterPackage`.
 */
export function buildVersionRange(minVersion?: string, maxVersion?: string): string {
  let range = '';
  if (minVersion) range = `>=${minVersion}`;
  if (maxVersion) range += ` <=${maxVersion}`;
  return range;
}

/** Masterminds `NewConstraint`; throws {@link VersionRangeError} with Masterminds' message. */
export function parseVersionRange(text: string): VersionRange {
  const rewritten = rewriteHyphenRanges(text);
  const groups: Comparator[][] = [];
  const groupIncludesPrerelease: boolean[] = [];
  for (const segment of rewritten.split('||')) {
    if (!VALID_CONSTRAINT.test(segment)) throw new VersionRangeError(`improper constraint: ${JSON.stringify(segment)}`);
    const found = [...segment.matchAll(FIND_CONSTRAINT)].map((m) => m[0]);
    const comparators = (found.length > 0 ? found : [segment]).map(parseComparator);
    groups.push(comparators);
    groupIncludesPrerelease.push(comparators.some((c) => c.version.prerelease !== ''));
  }
  return { text, groups, groupIncludesPrerelease };
}

/** `Constraints.String()`: comparators as parsed, e.g. `>=1.2.3 <=2.0.0` for `" >=1.2.3  <=2.0.0"`. */
export function formatVersionRange(range: VersionRange): string {
  return range.groups.map((group) => group.map((c) => c.operator + c.original).join(' ')).join(' || ');
}

/**
 * `Constraints.Check`. A string version is parsed leniently (`NewVersion`); one that does not parse
 * satisfies nothing.
 */
export function rangeContains(range: VersionRange, version: string | MastermindsVersion): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  if (!v) return false;
  return range.groups.some((group, i) => group.every((c) => check(v, c, range.groupIncludesPrerelease[i])));
}

// --- Parsing ----------------------------------------------------------------------------------------------

// Go's `\s` is [\t\n\f\r ]; JavaScript's would also match Unicode spaces.
const S = '[\\t\\n\\f\\r ]';
// The empty alternative after `=` is Masterminds' (a bare version means `=`/`~` for wildcards).
const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const CV =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const CONSTRAINT = new RegExp(`^${S}*(${OPS})${S}*(${CV})${S}*$`);
const CONSTRAINT_RANGE = new RegExp(`${S}*(${CV})${S}+-${S}+(${CV})${S}*`, 'g');
const FIND_CONSTRAINT = new RegExp(`(${OPS})${S}*(${CV})`, 'g');
const VALID_CONSTRAINT = new RegExp(`^(${S}*(${OPS})${S}*(${CV})${S}*)((?:${S}+|,${S}*)(${OPS})${S}*(${CV})${S}*)*$`);

/** `rewriteRange`: `1.2 - 1.4.5` → `>= 1.2, <= 1.4.5 `. */
function rewriteHyphenRanges(text: string): string {
  let out = text;
  for (const m of text.matchAll(CONSTRAINT_RANGE)) {
    out = out.replace(m[0], () => `>= ${m[1]}, <= ${m[11]} `);
  }
  return out;
}

function isWildcard(part: string): boolean {
  return part === 'x' || part === 'X' || part === '*';
}

/** `parseConstraint`. */
function parseComparator(text: string): Comparator {
  const m = CONSTRAINT.exec(text);
  if (!m) throw new VersionRangeError(`improper constraint: ${JSON.stringify(text)}`);
  const [operator, original, major] = [m[1] as Operator, m[2], m[3]];
  const minor = m[4] ?? '';
  const patch = m[5] ?? '';
  const prerelease = m[6] ?? '';
  let versionText = original;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isWildcard(major)) {
    versionText = `0.0.0${prerelease}`;
    dirty = true;
  } else if (minor === '' || isWildcard(minor.slice(1))) {
    minorDirty = dirty = true;
    versionText = `${major}.0.0${prerelease}`;
  } else if (patch === '' || isWildcard(patch.slice(1))) {
    patchDirty = dirty = true;
    versionText = `${major}${minor}.0${prerelease}`;
  }
  const version = parseVersion(versionText);
  // Masterminds: "constraint parser error" (e.g. `1|2`, which the pattern lets through).
  if (!version) throw new VersionRangeError('constraint parser error');
  return { operator, original, version, dirty, minorDirty, patchDirty };
}

function splitNormalised(normalised: string): MastermindsVersion {
  let rest = normalised;
  let metadata = '';
  let prerelease = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    metadata = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    prerelease = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  const [major, minor, patch] = rest.split('.').map((n) => BigInt(n));
  return { major, minor, patch, prerelease, metadata };
}

/** Go's `strings.SplitN`. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts = text.split(separator);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(separator)];
}

/** `validatePrerelease` (numeric identifiers without leading zeros) / `validateMetadata`. */
function validIdentifiers(text: string, prerelease: boolean): boolean {
  return text.split('.').every((id) => {
    if (!/^[0-9A-Za-z-]+$/.test(id)) return false;
    return !(prerelease && /^[0-9]+$/.test(id) && id.length > 1 && id.startsWith('0'));
  });
}

// --- Comparison -------------------------------------------------------------------------------------------

function comparePrerelease(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const d = comparePrereleasePart(left[i] ?? '', right[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Go's `strconv.ParseUint(s, 10, 64)` succeeds. */
function asUint64(text: string): bigint | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n > UINT64_MAX ? undefined : n;
}

/** `comparePrePart`: numeric identifiers sort before alphanumeric ones, a missing identifier sorts first. */
function comparePrereleasePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const si = asUint64(s);
  const oi = asUint64(o);
  if (si === undefined && oi === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

function check(v: MastermindsVersion, c: Comparator, includePrerelease: boolean): boolean {
  // Every Masterminds comparison function starts with this test; the flag is decided per AND group.
  if (v.prerelease !== '' && !includePrerelease) return false;
  const cmp = compareVersions(v, c.version);
  switch (c.operator) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : cmp === 0;
    case '!=':
      return notEqual(v, c, cmp);
    case '>':
      return greaterThan(v, c, cmp);
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      return lessThanOrEqual(v, c, cmp);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c, cmp);
  }
}

function notEqual(v: MastermindsVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (c.dirty) {
    if (con.major !== v.major) return true;
    if (con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.prerelease !== '' || con.prerelease !== '') {
        return comparePrerelease(v.prerelease, con.prerelease) !== 0;
      }
      return false;
    }
  }
  return cmp !== 0;
}

function greaterThan(v: MastermindsVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (!c.dirty) return cmp === 1;
  if (v.major > con.major) return true;
  if (v.major < con.major) return false;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > con.minor;
  return cmp === 1;
}

function lessThanOrEqual(v: MastermindsVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (!c.dirty) return cmp <= 0;
  if (v.major > con.major) return false;
  if (v.major === con.major && v.minor > con.minor && !c.minorDirty) return false;
  return true;
}

function tilde(v: MastermindsVersion, c: Comparator): boolean {
  const con = c.version;
  if (compareVersions(v, con) < 0) return false;
  if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  if (v.minor !== con.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: MastermindsVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (cmp < 0) return false;
  if (con.major > 0n || c.minorDirty) return v.major === con.major;
  if (v.major > 0n) return false;
  if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0n) return false;
  return v.patch === con.patch;
}
