/**
 * The function map Helm gives templates: Sprig v3 (minus `env` and `expandenv`) plus Helm's own functions
 * (`include`, `tpl`, `toYaml`, `fromYaml`, `toJson`, `required`, `lookup`, …), built on go-template-js's Sprig
 * subset and completed where it falls short for real charts (helm-rendering.md §4, "Other gaps"):
 *
 * - Sprig's `must*` variants, path functions, URL functions, and stubs for the certificate/crypto generators
 *   (they only ever feed Secrets, never images);
 * - Go's leniency where Sprig takes `interface{}` (`quote`, `squote`, `cat`, the math functions), and Go's rule
 *   that a nil value passes as an empty map or list (`hasKey .Values.missing "k"`, `keys .Values.missing`);
 * - Go's type names for `kindOf`/`typeOf` (values from YAML are `float64`, maps `map[string]interface {}`);
 * - RE2 spellings that JavaScript regexps lack (`(?i)`, `(?P<name>`, `[[:alpha:]]`, `${1}` in replacements).
 */
import {
  FailError,
  TypeMismatchError,
  sprigConversions,
  sprigDatetime,
  sprigDefaults,
  sprigDicts,
  sprigFlow,
  sprigHash,
  sprigLists,
  sprigMath,
  sprigRandom,
  sprigRegex,
  sprigSemver,
  sprigStrings,
  sprigTypes,
  type ArgType,
  type FuncMap,
  type TemplateFunc,
} from '@promptctl/go-template-js';
import { translateRe2 } from '../../config/blocked-image-pattern.js';
import { posix } from 'node:path';
import { parseVersion, parseVersionRange, rangeContains } from '../operator/masterminds-range.js';
import { goQuote, goValueString } from './go-format.js';
import { parseGoYaml, setOwn, toGoJson, toGoYaml, toJsonValue } from './helm-yaml.js';

/** The two functions that evaluate other templates; the renderer owns the template set they need. */
export interface TemplateCallbacks {
  /** Renders the named template with `data` as dot (Helm's `include`). */
  include(name: string, data: unknown): string;
  /** Renders `text` as a template with `data` as dot, with every named template available (Helm's `tpl`). */
  tpl(text: string, data: unknown): string;
}

const NO_POS = { line: 0, column: 0, offset: 0 };

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

function fn(argTypes: readonly ArgType[], body: (...args: never[]) => unknown): TemplateFunc {
  return { fn: body, argTypes };
}

// --- Go conversions -------------------------------------------------------------------------------------------------

/** Sprig's `strval`: strings as they are, everything else through `%v`. */
function strval(value: unknown): string {
  return typeof value === 'string' ? value : goValueString(value);
}

/** spf13/cast `ToInt64` as Sprig's math uses it: numbers truncated, numeric strings parsed, the rest 0. */
function toInt64(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim().replace(/^([-+]?)0+(?=\d)/, '$1');
    if (/^[-+]?(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)$/i.test(text)) {
      const negative = text.startsWith('-');
      const body = text.replace(/^[-+]/, '');
      const n = /^0[xbo]/i.test(body) ? Number(body) : parseInt(body, 10);
      return negative ? -n : n;
    }
    return 0;
  }
  return 0;
}

/** spf13/cast `ToFloat64`. */
function toFloat64(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number(value.trim());
    return Number.isNaN(n) || value.trim() === '' ? 0 : n;
  }
  return 0;
}

/** Go reflect kind and type names of a template value (YAML numbers are float64 in Helm). */
function goKind(value: unknown): string {
  if (value === null || value === undefined) return 'invalid';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'function') return 'func';
  if (Array.isArray(value)) return 'slice';
  if (isPlainRecord(value) || value instanceof Map) return 'map';
  return 'struct';
}

function goType(value: unknown): string {
  const kind = goKind(value);
  if (kind === 'invalid') return '<nil>';
  if (kind === 'slice') return '[]interface {}';
  if (kind === 'map') return 'map[string]interface {}';
  if (kind === 'struct') return `*${(value as object).constructor?.name ?? 'struct'}`;
  return kind;
}

// --- Go's nil-as-empty-collection rule -----------------------------------------------------------------------------

function slotLookup(f: TemplateFunc): (i: number) => ArgType {
  const types = f.argTypes;
  if (types.length === 0) return () => 'value';
  if (f.argTypePattern === 'alternating') return (i) => types[i % types.length] as ArgType;
  const trailing = types[types.length - 1] as ArgType;
  return (i) => types[i] ?? trailing;
}

function describe(value: unknown): string {
  return goType(value);
}

/**
 * Go passes nil to a map or slice parameter as an empty map or slice; go-template-js rejects it. Re-gates the
 * `dict`/`list` slots of `f`: nil becomes `{}`/`[]`, anything else must still be a map/list.
 */
function nilTolerant(name: string, f: TemplateFunc): TemplateFunc {
  const slot = slotLookup(f);
  const count = Math.max(f.argTypes.length, 1);
  const needs = [...Array(count).keys()].some((i) => slot(i) === 'dict' || slot(i) === 'list');
  if (!needs) return f;
  const argTypes = f.argTypes.map((t) => (t === 'dict' || t === 'list' ? 'value' : t));
  const body = f.fn as (...a: unknown[]) => unknown;
  return {
    ...f,
    argTypes,
    fn: ((...args: unknown[]) => {
      for (let i = 0; i < args.length; i++) {
        const kind = slot(i);
        if (kind !== 'dict' && kind !== 'list') continue;
        const value = args[i];
        if (value === null || value === undefined) args[i] = kind === 'dict' ? {} : [];
        else if (kind === 'dict' && !isPlainRecord(value))
          throw new TypeMismatchError(name, i + 1, 'map', describe(value), NO_POS);
        else if (kind === 'list' && !Array.isArray(value))
          throw new TypeMismatchError(name, i + 1, 'list', describe(value), NO_POS);
      }
      return body(...args);
    }) as TemplateFunc['fn'],
  };
}

// --- regular expressions: RE2 spellings to JavaScript --------------------------------------------------------------

const regexCache = new Map<string, RegExp>();

/**
 * Compiles an RE2 pattern as a global JavaScript RegExp with the translation blockedImages uses (leading flag
 * group, `(?P<…>`, `\A`/`\z`, `\Q…\E`, POSIX classes); a pattern RE2 would reject fails the template as in Go.
 */
function compileRe2(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return new RegExp(cached);
  const { source, flags } = translateRe2(pattern);
  const re = new RegExp(source, `g${flags}`);
  regexCache.set(pattern, re);
  return new RegExp(re);
}

/** Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_all, whole: string, braced?: string, bare?: string) => {
    if (whole === '$') return '$';
    const name = braced ?? bare ?? '';
    const value = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    return value ?? '';
  });
}

function regexReplace(pattern: string, text: string, replacement: (m: RegExpExecArray) => string): string {
  const re = compileRe2(pattern);
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index) + replacement(m);
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  return out + text.slice(last);
}

function regexFindAll(pattern: string, text: string, n: number): string[] {
  const re = compileRe2(pattern);
  const out: string[] = [];
  for (let m = re.exec(text); m && (n < 0 || out.length < n); m = re.exec(text)) {
    out.push(m[0]);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function regexSplit(pattern: string, text: string, n: number): string[] {
  if (n === 0) return [];
  const re = compileRe2(pattern);
  const out: string[] = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (n > 0 && out.length === n - 1) break;
    if (m[0].length === 0) {
      re.lastIndex++;
      if (m.index === 0 || m.index >= text.length) continue;
    }
    out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function regexFunctions(): FuncMap {
  const map: FuncMap = {
    regexMatch: fn(['string', 'string'], (p: string, s: string) => compileRe2(p).test(s)),
    regexFind: fn(['string', 'string'], (p: string, s: string) => compileRe2(p).exec(s)?.[0] ?? ''),
    regexFindAll: fn(['string', 'string', 'int'], (p: string, s: string, n: number) => regexFindAll(p, s, n)),
    regexReplaceAll: fn(['string', 'string', 'string'], (p: string, s: string, r: string) =>
      regexReplace(p, s, (m) => expandTemplate(r, m)),
    ),
    regexReplaceAllLiteral: fn(['string', 'string', 'string'], (p: string, s: string, r: string) =>
      regexReplace(p, s, () => r),
    ),
    regexSplit: fn(['string', 'string', 'int'], (p: string, s: string, n: number) => regexSplit(p, s, n)),
  };
  for (const name of Object.keys(map)) {
    map[`must${name[0]?.toUpperCase()}${name.slice(1)}`] = map[name] as TemplateFunc;
  }
  return map;
}

// --- Helm's functions ------------------------------------------------------------------------------------------------

function fromYamlMap(text: string): Record<string, unknown> {
  try {
    const value = parseGoYaml(text);
    if (value === null || value === undefined) return {};
    if (!isPlainRecord(value)) return { Error: 'error unmarshaling JSON: the document is not a map' };
    return value;
  } catch (err) {
    return { Error: (err as Error).message };
  }
}

function fromYamlList(text: string): unknown[] {
  try {
    const value = parseGoYaml(text);
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return ['error unmarshaling JSON: the document is not a list'];
    return value;
  } catch (err) {
    return [(err as Error).message];
  }
}

function fromJsonValue(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** TOML for Helm's `toToml` (BurntSushi encoder layout: scalars first, then `[tables]`). */
function toToml(value: unknown, prefix = ''): string {
  const data = toJsonValue(value);
  if (!isPlainRecord(data)) return '';
  const scalar = (v: unknown): string =>
    typeof v === 'string'
      ? JSON.stringify(v)
      : Array.isArray(v)
        ? `[${v.map(scalar).join(', ')}]`
        : v === null
          ? '""'
          : String(v);
  let out = '';
  const tables: [string, unknown][] = [];
  for (const key of Object.keys(data).sort()) {
    const v = data[key];
    if (isPlainRecord(v)) tables.push([key, v]);
    else out += `${key} = ${scalar(v)}\n`;
  }
  for (const [key, v] of tables) {
    const name = prefix ? `${prefix}.${key}` : key;
    out += `\n[${name}]\n${toToml(v, name)}`;
  }
  return out;
}

/** Stand-ins for Sprig's certificate generators: same shape, placeholder PEM (they only feed Secrets). */
function placeholderCert(): { Cert: string; Key: string } {
  return {
    Cert: '-----BEGIN CERTIFICATE-----\nb2NtLXR1aSBwbGFjZWhvbGRlcg==\n-----END CERTIFICATE-----\n',
    Key: '-----BEGIN RSA PRIVATE KEY-----\nb2NtLXR1aSBwbGFjZWhvbGRlcg==\n-----END RSA PRIVATE KEY-----\n',
  };
}

function urlParse(text: string): Record<string, unknown> {
  try {
    const u = new URL(text);
    return {
      scheme: u.protocol.replace(/:$/, ''),
      host: u.host,
      hostname: u.hostname,
      path: decodeURIComponent(u.pathname),
      query: u.search.replace(/^\?/, ''),
      opaque: '',
      fragment: u.hash.replace(/^#/, ''),
      userinfo: u.username ? (u.password ? `${u.username}:${u.password}` : u.username) : '',
    };
  } catch {
    return { scheme: '', host: '', hostname: '', path: text, query: '', opaque: '', fragment: '', userinfo: '' };
  }
}

function urlJoin(parts: Record<string, unknown>): string {
  const s = (k: string) => (typeof parts[k] === 'string' ? (parts[k] as string) : '');
  let out = s('scheme') ? `${s('scheme')}:` : '';
  if (s('host')) out += `//${s('userinfo') ? `${s('userinfo')}@` : ''}${s('host')}`;
  out += s('path');
  if (s('query')) out += `?${s('query')}`;
  if (s('fragment')) out += `#${s('fragment')}`;
  return out;
}

/** Go's `path.Base`, `path.Dir`, `path.Ext`, `path.Clean` (Sprig's `base`, `dir`, `ext`, `clean`). */
function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return posix.basename(trimmed);
}
function goClean(p: string): string {
  return p === '' ? '.' : posix.normalize(p).replace(/(.)\/$/, '$1');
}
function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  return goClean(p.slice(0, i + 1));
}
function goExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

/**
 * Every function a Helm template can call. `callbacks` provides `include` and `tpl`, which need the chart's
 * template set.
 */
export function helmFunctions(callbacks: TemplateCallbacks): FuncMap {
  const sprig: FuncMap = {
    ...sprigDefaults(),
    ...sprigStrings(),
    ...sprigMath(),
    ...sprigLists(),
    ...sprigDicts(),
    ...sprigRegex(),
    ...sprigTypes(),
    ...sprigConversions(),
    ...sprigSemver(),
    ...sprigFlow(),
    ...sprigRandom(),
    ...sprigHash(),
    ...sprigDatetime(),
  };

  const lenientInt = (body: (...n: number[]) => unknown): TemplateFunc =>
    fn(['value'], ((...a: unknown[]) => body(...a.map(toInt64))) as TemplateFunc['fn']);
  const lenientFloat = (body: (...n: number[]) => unknown): TemplateFunc =>
    fn(['value'], ((...a: unknown[]) => body(...a.map(toFloat64))) as TemplateFunc['fn']);

  const overrides: FuncMap = {
    // Sprig takes interface{} here and skips nil.
    quote: fn(['value'], (...v: unknown[]) =>
      v
        .filter((x) => x !== null && x !== undefined)
        .map((x) => goQuote(strval(x)))
        .join(' '),
    ),
    squote: fn(['value'], (...v: unknown[]) =>
      v
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${strval(x)}'`)
        .join(' '),
    ),
    cat: fn(['value'], (...v: unknown[]) =>
      v
        .filter((x) => x !== null && x !== undefined)
        .map(goValueString)
        .join(' '),
    ),
    toString: fn(['value'], (v: unknown) => strval(v)),
    join: fn(['string', 'value'], (sep: string, v: unknown) => {
      const items = Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : v == null ? [] : [v];
      return items.map(strval).join(sep);
    }),
    // Sprig's math converts every argument with cast.ToInt64 / ToFloat64.
    add: lenientInt((...n) => n.reduce((a, b) => a + b, 0)),
    add1: lenientInt((n = 0) => n + 1),
    sub: lenientInt((a = 0, b = 0) => a - b),
    mul: lenientInt((...n) => n.reduce((a, b) => a * b, 1)),
    div: lenientInt((a = 0, b = 0) => {
      if (b === 0) throw new Error('integer divide by zero');
      return Math.trunc(a / b);
    }),
    mod: lenientInt((a = 0, b = 0) => {
      if (b === 0) throw new Error('integer divide by zero');
      return a % b;
    }),
    max: lenientInt((...n) => Math.max(...n)),
    biggest: lenientInt((...n) => Math.max(...n)),
    min: lenientInt((...n) => Math.min(...n)),
    floor: lenientFloat((n = 0) => Math.floor(n)),
    ceil: lenientFloat((n = 0) => Math.ceil(n)),
    addf: lenientFloat((...n) => n.reduce((a, b) => a + b, 0)),
    subf: lenientFloat((a = 0, ...rest) => rest.reduce((x, y) => x - y, a)),
    mulf: lenientFloat((...n) => n.reduce((a, b) => a * b, 1)),
    divf: lenientFloat((a = 0, ...rest) => rest.reduce((x, y) => x / y, a)),
    add1f: lenientFloat((n = 0) => n + 1),
    maxf: lenientFloat((...n) => Math.max(...n)),
    minf: lenientFloat((...n) => Math.min(...n)),
    // Go's reflect names.
    kindOf: fn(['reflective'], (v: unknown) => goKind(v)),
    kindIs: fn(['string', 'reflective'], (k: string, v: unknown) => goKind(v) === k),
    typeOf: fn(['reflective'], (v: unknown) => goType(v)),
    typeIs: fn(['string', 'reflective'], (t: string, v: unknown) => goType(v) === t),
    typeIsLike: fn(['string', 'reflective'], (t: string, v: unknown) => {
      const actual = goType(v);
      return actual === t || actual === `*${t}`;
    }),
    // Masterminds semver, as Sprig and Helm use it (the project's faithful implementation).
    semverCompare: fn(['string', 'string'], (constraint: string, version: string) => {
      const v = parseVersion(version);
      if (!v) throw new Error(`${JSON.stringify(version)} is not a valid semantic version`);
      return rangeContains(parseVersionRange(constraint), v);
    }),
    ...regexFunctions(),
    // Sprig functions go-template-js does not have.
    hello: fn([], () => 'Hello!'),
    trimall: sprig.trimAll as TemplateFunc,
    date_in_zone: sprig.dateInZone as TemplateFunc,
    date_modify: sprig.dateModify as TemplateFunc,
    mustDateModify: sprig.dateModify as TemplateFunc,
    mustToDate: sprig.toDate as TemplateFunc,
    base: fn(['string'], goBase),
    dir: fn(['string'], goDir),
    ext: fn(['string'], goExt),
    clean: fn(['string'], goClean),
    isAbs: fn(['string'], (p: string) => p.startsWith('/')),
    osBase: fn(['string'], goBase),
    osDir: fn(['string'], goDir),
    osExt: fn(['string'], goExt),
    osClean: fn(['string'], goClean),
    osIsAbs: fn(['string'], (p: string) => p.startsWith('/')),
    urlParse: fn(['string'], urlParse),
    urlJoin: fn(['dict'], urlJoin),
    getHostByName: fn(['string'], () => ''),
    randBytes: fn(['int'], (n: number) => Buffer.alloc(Math.max(0, n)).toString('base64')),
    htpasswd: fn(['string', 'string'], (user: string) => `${user}:$2a$10$ocmtuiplaceholderhash`),
    bcrypt: fn(['string'], () => '$2a$10$ocmtuiplaceholderhash'),
    derivePassword: fn(['value'], () => 'ocm-tui-placeholder'),
    encryptAES: fn(['string', 'string'], () => ''),
    decryptAES: fn(['string', 'string'], () => ''),
    genPrivateKey: fn(['string'], () => placeholderCert().Key),
    genCA: fn(['value'], placeholderCert),
    genCAWithKey: fn(['value'], placeholderCert),
    genSelfSignedCert: fn(['value'], placeholderCert),
    genSelfSignedCertWithKey: fn(['value'], placeholderCert),
    genSignedCert: fn(['value'], placeholderCert),
    genSignedCertWithKey: fn(['value'], placeholderCert),
    buildCustomCert: fn(['string', 'string'], (cert: string, key: string) => ({ Cert: cert, Key: key })),
    // Helm (pkg/engine/funcs.go). Its toJson replaces Sprig's; errors inside give "" as in Helm.
    toYaml: fn(['value'], (v: unknown) => toGoYaml(v).replace(/\n$/, '')),
    mustToYaml: fn(['value'], (v: unknown) => toGoYaml(v).replace(/\n$/, '')),
    toYamlPretty: fn(['value'], (v: unknown) => toGoYaml(v).replace(/\n$/, '')),
    fromYaml: fn(['string'], fromYamlMap),
    fromYamlArray: fn(['string'], fromYamlList),
    toJson: fn(['value'], (v: unknown) => toGoJson(v)),
    mustToJson: fn(['value'], (v: unknown) => toGoJson(v)),
    toPrettyJson: fn(['value'], (v: unknown) => toGoJson(v, { indent: '  ' })),
    mustToPrettyJson: fn(['value'], (v: unknown) => toGoJson(v, { indent: '  ' })),
    toRawJson: fn(['value'], (v: unknown) => toGoJson(v, { escapeHtml: false })),
    mustToRawJson: fn(['value'], (v: unknown) => toGoJson(v, { escapeHtml: false })),
    fromJson: fn(['string'], (text: string) => {
      try {
        const v = fromJsonValue(text);
        return isPlainRecord(v) ? v : {};
      } catch (err) {
        return { Error: (err as Error).message };
      }
    }),
    mustFromJson: fn(['string'], (text: string) => fromJsonValue(text)),
    fromJsonArray: fn(['string'], (text: string) => {
      try {
        const v = fromJsonValue(text);
        return Array.isArray(v) ? v : [];
      } catch (err) {
        return [(err as Error).message];
      }
    }),
    toToml: fn(['value'], (v: unknown) => toToml(v)),
    fromToml: fn(['string'], () => ({ Error: 'fromToml is not supported by ocm-tui' })),
    required: fn(['string', 'value'], (warning: string, value: unknown) => {
      if (value === null || value === undefined || value === '') throw new FailError(warning);
      return value;
    }),
    // No cluster while collecting images: Helm's `helm template` answer, an empty map.
    lookup: fn(['value'], () => ({})),
    include: fn(['string', 'value'], (name: string, data: unknown) => callbacks.include(name, data)),
    tpl: fn(['string', 'value'], (text: string, data: unknown) => callbacks.tpl(text, data)),
  };

  const all: FuncMap = { ...sprig, ...overrides };
  // Sprig's must* variants behave like the plain ones here: the plain ones already fail loudly.
  for (const name of [
    'compact',
    'deepCopy',
    'merge',
    'mergeOverwrite',
    'append',
    'push',
    'prepend',
    'first',
    'rest',
    'last',
    'initial',
    'reverse',
    'uniq',
    'without',
    'has',
    'slice',
    'chunk',
  ]) {
    const base = all[name];
    if (base) all[`must${name[0]?.toUpperCase()}${name.slice(1)}`] = base;
  }
  // Helm removes these two from Sprig: charts must not read the environment.
  delete all.env;
  delete all.expandenv;

  const out: FuncMap = {};
  for (const [name, f] of Object.entries(all)) setOwn(out as Record<string, unknown>, name, nilTolerant(name, f));
  return out;
}
