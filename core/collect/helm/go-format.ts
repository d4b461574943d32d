/**
 * Go's `fmt` printing of template values (`%v`, `%q`), which Helm output depends on.
 *
 * Chart values come from YAML through a JSON round trip (sigs.k8s.io/yaml), so every number a template sees is a
 * Go float64, and Go prints a float64 with `%v` in e-notation once its exponent reaches 6: an unquoted
 * `tag: 20240101` renders as `2.0240101e+07` in Helm, and oc-mirror then drops that image (the tag is not a valid
 * tag). Mirroring this keeps the image sets identical to oc-mirror's (helm-rendering.md §4, "Remaining
 * divergences").
 *
 * NOTE: JavaScript has one number type, so integers computed inside a template (`add`, `int`, `len`), which Go
 * prints in full, get the same float rule here; only results of a million or more differ, which images never are.
 */

/** Go's `strconv.FormatFloat(n, 'g', -1, 64)`, i.e. `%v` of a float64. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exponentText] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  // Go switches to %e when the decimal exponent is < -4 or >= 6 (the precision used for the shortest form).
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(n);
}

/** A value's own `String()` method (Go's `fmt.Stringer`), when its class defines one. */
function stringerOf(value: object): (() => string) | undefined {
  const own = (value as { toString?: unknown }).toString;
  if (typeof own !== 'function' || own === Object.prototype.toString) return undefined;
  return own as () => string;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

/** Go's `%v`: strings raw, `[a b]` for lists, `map[k:v]` (keys sorted) for maps, `<nil>` for nil. */
export function goValueString(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatGoFloat(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'function':
      return '<func>';
    case 'symbol':
      return value.toString();
    default:
      break;
  }
  if (value instanceof Uint8Array) return `[${[...value].join(' ')}]`;
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => [goValueString(k), v] as const);
    return formatMap(entries);
  }
  if (!isPlainRecord(value)) {
    const stringer = stringerOf(value);
    if (stringer) return stringer.call(value);
  }
  return formatMap(Object.entries(value as Record<string, unknown>));
}

function formatMap(entries: readonly (readonly [string, unknown])[]): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${sorted.map(([k, v]) => `${k}:${goValueString(v)}`).join(' ')}]`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `strconv.Quote` (`%q` of a string): escapes as Go does, keeps printable Unicode as is. */
export function goQuote(text: string): string {
  // Fast path: printable ASCII without quotes or backslashes is quoted as is.
  if (/^[\x20-\x7e]*$/.test(text) && !/["\\]/.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
