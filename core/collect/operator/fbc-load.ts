/**
 * Loads a File-Based Catalog directory the way operator-registry's `declcfg.LoadFS` does (collectors.md §2.4):
 * every regular file under the root, minus what `.indexignore` files exclude, is a stream of FBC objects in JSON
 * or YAML; the objects are grouped into a {@link DeclarativeConfig}.
 *
 * Differences from LoadFS, on purpose:
 * - objects of packages the caller does not want are dropped (`keepPackage`), and JSON files are split into
 *   objects while they are read, so a catalog of several hundred MB never sits in memory;
 * - the result is deterministic (files sorted by path, objects in file order) where LoadFS's order depends on
 *   goroutine scheduling;
 * - the fields the filter relies on are type-checked here, so a malformed catalog fails with the file and object
 *   named instead of deep inside the filter. Objects that are dropped are not checked.
 *
 * When `keepPackage` is given, a JSON file is split on its raw bytes and each object's top-level `schema`,
 * `package` and `name` are read straight from them ({@link scanFbcMeta}, nested values skipped by the offsets the
 * splitter noted); only the objects that are kept are decoded, `JSON.parse`d and checked. A typical filtered run
 * keeps 2 % of the objects, and decoding and parsing the other 98 % was most of the loading time. Whenever that
 * scan is unsure (an escape in a top-level key or in one of those three values, a non-ASCII key, top-level keys
 * equal after case folding, a meta value that is not a string, no schema, anything not well-formed at the top
 * level) the object takes the full path, so such objects fail or pass exactly as before.
 * NOTE: the price is that a dropped object is no longer validated as JSON below its top level: a syntax error
 * inside a nested value or a string of an object whose package nobody asked for does not fail the run. Every
 * object that is kept is fully parsed and checked, and without `keepPackage` (or with `fullParse`) every object
 * is. YAML files, and files that do not start like a JSON stream, always take the full path.
 *
 * YAML is read with the `yaml` package's default (YAML 1.2 core) schema; operator-registry's YAML 1.1 decoder
 * differs only on unquoted `yes`/`no`/`on`/`off` and leading-zero octals, which FBC objects do not use.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Composer, LineCounter, Parser } from 'yaml';
import { OcmError } from '../../errors.js';
import {
  SCHEMA_BUNDLE,
  SCHEMA_CHANNEL,
  SCHEMA_DEPRECATIONS,
  SCHEMA_PACKAGE,
  emptyDeclarativeConfig,
  packageOf,
  type DeclarativeConfig,
  type FbcBundle,
  type FbcChannel,
  type FbcDeprecations,
  type FbcObject,
  type FbcPackage,
} from './fbc-model.js';
import { byCodeUnit } from '../../code-unit-order.js';

export const INDEX_IGNORE_FILE = '.indexignore';

/** Files parsed at the same time: enough to overlap I/O and parsing, few enough to bound memory. */
const FILE_CONCURRENCY = 4;
const READ_CHUNK_BYTES = 1 << 20;

/** A catalog file is not a valid stream of FBC objects. `file` is relative to the catalog root. */
export class FbcParseError extends OcmError {
  readonly file: string;
  /** 1-based position of the object in its file, when known. */
  readonly objectIndex?: number;
  /** 1-based line where the object (or the problem) starts, when known. */
  readonly line?: number;
  constructor(file: string, problem: string, where: { index?: number; line?: number } = {}, cause?: unknown) {
    const at = [where.index && `object ${where.index}`, where.line && `line ${where.line}`].filter(Boolean).join(', ');
    super('FBC_INVALID', `catalog file ${file}${at ? ` (${at})` : ''}: ${problem}`, {
      cause,
      hint: 'the catalog image carries an invalid File-Based Catalog; `opm validate` on its configs shows the problem',
    });
    this.file = file;
    this.objectIndex = where.index;
    this.line = where.line;
  }
}

export interface LoadFbcOptions {
  /**
   * Objects of packages this rejects are dropped (in JSON files before they are parsed, see the module comment);
   * objects without a package are kept. Asked at most once per object.
   */
  keepPackage?: (name: string) => boolean;
  /**
   * Decode, parse and check every object even when `keepPackage` is given, dropping the unwanted ones only after
   * that (the slower path; for comparisons in tests and benchmarks).
   * @default false
   */
  fullParse?: boolean;
  signal?: AbortSignal;
}

export async function loadFbc(root: string, opts: LoadFbcOptions = {}): Promise<DeclarativeConfig> {
  opts.signal?.throwIfAborted();
  const files = await catalogFiles(root, opts.signal);
  // One failing file stops the others: they watch this signal too.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const perFile: FbcObject[][] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      perFile[i] = await loadFile(root, files[i], opts, signal);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, files.length) }, worker));
  } catch (err) {
    stop.abort();
    opts.signal?.throwIfAborted();
    throw err;
  }
  const cfg = emptyDeclarativeConfig();
  for (const objects of perFile) for (const o of objects) addObject(cfg, o);
  return cfg;
}

function addObject(cfg: DeclarativeConfig, o: FbcObject): void {
  switch (o.schema) {
    case SCHEMA_PACKAGE:
      cfg.packages.push(o as FbcPackage);
      break;
    case SCHEMA_CHANNEL:
      cfg.channels.push(o as FbcChannel);
      break;
    case SCHEMA_BUNDLE:
      cfg.bundles.push(o as FbcBundle);
      break;
    case SCHEMA_DEPRECATIONS:
      cfg.deprecations.push(o as FbcDeprecations);
      break;
    default:
      cfg.others.push(o);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** Relative paths (with `/`) of the files to parse, sorted. */
async function catalogFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const files: string[] = [];
  const ignoreFiles: IgnoreFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    signal?.throwIfAborted();
    const entries = await readdir(rel ? join(root, rel) : root, { withFileTypes: true });
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        await walk(path);
        continue;
      }
      // A symlink counts when it leads to a file; symlinked directories are not followed (no loops).
      const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(join(root, path)).catch(() => null))?.isFile());
      if (!isFile) continue;
      if (e.name === INDEX_IGNORE_FILE) {
        ignoreFiles.push({ dir: rel, text: await readFile(join(root, path), 'utf8') });
      } else {
        files.push(path);
      }
    }
  };
  await walk('');
  const ignored = indexIgnoreMatcher(ignoreFiles);
  return files.filter((f) => !ignored(f)).sort(byCodeUnit);
}

interface IgnoreFile {
  /** Directory holding the `.indexignore`, relative to the root with `/` ('' for the root). */
  dir: string;
  text: string;
}

interface IgnoreRule {
  dir: string;
  negate: boolean;
  regex: RegExp;
}

/**
 * A predicate telling whether a file (path relative to the root, `/`-separated) is excluded by gitignore-style
 * patterns. Like the go-git matcher operator-registry uses, every pattern is tried against the file and each of
 * its parent directories, the last matching pattern wins (so `!` can re-include a file of an excluded
 * directory), and files are listed parents first so deeper `.indexignore` files take precedence.
 */
export function indexIgnoreMatcher(ignoreFiles: readonly IgnoreFile[]): (path: string) => boolean {
  const rules: IgnoreRule[] = [];
  for (const file of ignoreFiles) {
    for (const raw of file.text.split(/\r?\n/)) {
      const rule = parseIgnoreLine(raw.trim(), file.dir);
      if (rule) rules.push(rule);
    }
  }
  return (path) => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const { dir, negate, regex } = rules[i];
      if (dir && !path.startsWith(`${dir}/`)) continue;
      if (regex.test(dir ? path.slice(dir.length + 1) : path)) return !negate;
    }
    return false;
  };
}

function parseIgnoreLine(line: string, dir: string): IgnoreRule | undefined {
  if (!line || line.startsWith('#')) return undefined;
  let pattern = line;
  const negate = pattern.startsWith('!');
  if (negate) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith('/');
  if (dirOnly) pattern = pattern.replace(/\/+$/, '');
  // A slash anywhere but at the end anchors the pattern to the .indexignore's directory.
  const anchored = pattern.includes('/');
  const parts = pattern.replace(/^\/+/, '').split('/');
  if (parts.length === 1 && parts[0] === '') return undefined;
  let body = '';
  parts.forEach((part, k) => {
    const last = k === parts.length - 1;
    if (part === '**') body += last ? '.*' : '(?:.*/)?';
    else body += globToRegex(part) + (last ? '' : '/');
  });
  // A pattern naming a directory excludes everything under it; a dir-only pattern never matches a file itself.
  const source = `^${anchored ? '' : '(?:.*/)?'}${body}${dirOnly ? '/.*' : '(?:/.*)?'}$`;
  try {
    return { dir, negate, regex: new RegExp(source, 's') };
  } catch {
    return undefined; // e.g. a class like [z-a]: go-git's filepath.Match fails too, so the pattern matches nothing
  }
}

/** One path component of a glob: `*`, `?`, `[…]` classes and `\` escapes; nothing matches `/`. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]);
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const end = glob.indexOf(']', i + 2);
      let set = glob.slice(i + 1, end);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^/' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------------------
// One file

type Where = { index: number; line?: number };
/** Takes a parsed object; `asked` is the package keepPackage already accepted for it (the byte scan's answer). */
type Take = (raw: unknown, where: Where, asked?: string) => void;

/** Receives a file's bytes in order. */
interface FileReader {
  push(bytes: Buffer): void;
  end(): void;
}

async function loadFile(root: string, file: string, opts: LoadFbcOptions, signal: AbortSignal): Promise<FbcObject[]> {
  const { keepPackage } = opts;
  const kept: FbcObject[] = [];
  const take: Take = (raw, where, asked) => {
    const object = metaObject(raw, file, where);
    const pkg = packageOf(object);
    if (pkg && keepPackage && pkg !== asked && !keepPackage(pkg)) return;
    checkObject(object, file, where);
    kept.push(object);
  };

  const path = join(root, file);
  // A read buffer no larger than the file: a shorter read makes the stream copy what it read into a smaller
  // buffer (and catalogs are mostly files of a few hundred KB).
  const { size } = await stat(path);
  const stream = createReadStream(path, { highWaterMark: Math.max(1, Math.min(READ_CHUNK_BYTES, size)), signal });
  // Without a filter every object is parsed anyway: the text path. With one, the first bytes decide.
  const filter = opts.fullParse ? undefined : keepPackage;
  let reader = filter ? undefined : textReader(file, take, signal);
  const sniffer = new JsonStartSniffer();
  for await (const piece of stream as AsyncIterable<Buffer>) {
    signal.throwIfAborted();
    if (reader) {
      reader.push(piece);
      continue;
    }
    const bom = sniffer.push(piece);
    if (bom === undefined) continue;
    reader = bom >= 0 && filter ? fastJsonReader(file, filter, take) : textReader(file, take, signal);
    for (const bytes of sniffer.take(bom < 0 ? 0 : bom)) reader.push(bytes);
  }
  if (!reader) {
    // Only blanks (or the start of a byte-order mark): the text path says what that is.
    reader = textReader(file, take, signal);
    for (const bytes of sniffer.take(0)) reader.push(bytes);
  }
  reader.end();
  return kept;
}

/**
 * The full path: the file is decoded to text and every object parsed, checked and then kept or dropped. A JSON
 * stream is sniffed like the k8s YAML-or-JSON decoder does: JSON when the first non-blank character opens an
 * object.
 */
function textReader(file: string, take: Take, signal: AbortSignal): FileReader {
  const decoder = new StringDecoder('utf8');
  const splitter = new JsonObjectSplitter(file);
  const yamlChunks: string[] = [];
  let format: 'json' | 'yaml' | undefined;
  let leading: string | undefined;
  const pushText = (piece: string): void => {
    let chunk = piece;
    if (!format) {
      // Blank chunks before the first character are kept so that line numbers stay right.
      chunk = leading === undefined ? chunk.replace(/^\uFEFF/, '') : leading + chunk;
      const first = chunk.search(/\S/);
      if (first < 0) {
        leading = chunk;
        return;
      }
      format = chunk[first] === '{' ? 'json' : 'yaml';
    }
    if (format === 'yaml') yamlChunks.push(chunk);
    else for (const o of splitter.push(chunk)) take(parseJsonObject(o, file), { index: o.index, line: o.line });
  };
  return {
    push: (bytes) => pushText(decoder.write(bytes)),
    end: () => {
      const rest = decoder.end();
      if (rest) pushText(rest);
      if (format === 'json') splitter.end();
      if (format === 'yaml') parseYaml(yamlChunks.join(''), file, take, signal);
    },
  };
}

/**
 * The fast path for JSON when a filter is given: objects are split on the raw bytes, their meta values read from
 * them, and only the objects that may be kept are decoded and parsed (see the module comment).
 */
function fastJsonReader(file: string, keepPackage: (name: string) => boolean, take: Take): FileReader {
  const splitter = new JsonByteSplitter(file);
  const each = (objects: ByteSplitObject[]): void => {
    for (const o of objects) {
      const meta = scanFbcMeta(o.bytes, o.nested);
      const pkg = meta && (meta.schema === SCHEMA_PACKAGE ? meta.name : meta.package);
      if (pkg && !keepPackage(pkg)) continue;
      const where = { index: o.index, line: o.line };
      take(parseJsonObject({ text: o.bytes.toString('utf8'), ...where }, file), where, pkg);
    }
  };
  return {
    push: (bytes) => each(splitter.push(bytes)),
    end: () => splitter.end(),
  };
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Holds a file's first pieces until its first non-blank byte tells whether it starts like a JSON stream: an
 * optional UTF-8 byte-order mark, ASCII whitespace, then `{`. Anything else (YAML, other whitespace, a stray
 * character) goes to the text path, which then behaves exactly as it always did.
 */
class JsonStartSniffer {
  private pieces: Buffer[] = [];
  private seen = 0;
  /** 3 when the file starts with a byte-order mark, 0 when not, -1 while fewer than 3 bytes were seen. */
  private bom = -1;

  /** The length of the byte-order mark when the file is a JSON stream, -1 when it is not, undefined: unknown yet. */
  push(piece: Buffer): number | undefined {
    const offset = this.seen;
    this.pieces.push(piece);
    this.seen += piece.length;
    if (this.bom < 0) {
      const head = Buffer.concat(this.pieces.map((p) => p.subarray(0, 3))).subarray(0, 3);
      const prefix = head.every((byte, k) => byte === BOM[k]);
      if (prefix && head.length < 3) return undefined;
      this.bom = prefix ? 3 : 0;
      // The pieces before this one held fewer than 3 bytes: scan them again with this one.
      return this.scan(this.pieces.length > 1 ? Buffer.concat(this.pieces) : piece, this.bom);
    }
    return this.scan(piece, Math.max(0, this.bom - offset));
  }

  /** The pieces held, without the first `skip` bytes. */
  take(skip: number): Buffer[] {
    const out: Buffer[] = [];
    let left = skip;
    for (const p of this.pieces) {
      if (left >= p.length) left -= p.length;
      else {
        out.push(left ? p.subarray(left) : p);
        left = 0;
      }
    }
    this.pieces = [];
    return out;
  }

  private scan(bytes: Buffer, from: number): number | undefined {
    for (let i = from; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      return c === 0x7b ? this.bom : -1;
    }
    return undefined;
  }
}

function parseJsonObject(o: SplitObject, file: string): unknown {
  try {
    return JSON.parse(o.text);
  } catch (err) {
    // V8 reports "… at position N" within the object; turn that into a line of the file.
    const pos = /position (\d+)/.exec((err as Error).message);
    const line = pos ? o.line + countNewlines(o.text, 0, Number(pos[1])) : o.line;
    throw new FbcParseError(file, `invalid JSON: ${(err as Error).message}`, { index: o.index, line }, err);
  }
}

/**
 * YAML documents are composed one at a time (what `parseAllDocuments` does, without keeping every document's
 * syntax tree alive), so memory holds the file's text plus one document.
 */
function parseYaml(
  text: string,
  file: string,
  take: (raw: unknown, where: { index: number; line?: number }) => void,
  signal: AbortSignal,
): void {
  const lines = new LineCounter();
  const docs = new Composer().compose(new Parser(lines.addNewLine).parse(text));
  let index = 0;
  for (const doc of docs) {
    signal.throwIfAborted();
    const error = doc.errors[0];
    if (error) {
      const where = { index: index + 1, line: lines.linePos(error.pos[0]).line };
      throw new FbcParseError(file, `invalid YAML: ${error.message}`, where, error);
    }
    if (doc.contents === null) continue;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    // The line of the object itself, not of the `---` before it.
    take(value, { index: ++index, line: lines.linePos(doc.contents.range[0]).line });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Objects

const META_KEYS = ['schema', 'package', 'name'] as const;

/**
 * Checks the meta keys and lower-cases them. Like operator-registry, two keys that are equal after case folding
 * are an error (any key, not only the meta ones). Upper- then lower-casing approximates Go's Unicode case
 * folding closely enough (`ß` → `ss`, `ſ` → `s`).
 */
function metaObject(raw: unknown, file: string, where: { index: number; line?: number }): FbcObject {
  const fail = (problem: string): never => {
    throw new FbcParseError(file, problem, where);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(`expected an object, found ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const record = raw as Record<string, unknown>;
  const byFolded = new Map<string, string>();
  for (const key of Object.keys(record)) {
    const folded = key.toUpperCase().toLowerCase();
    const other = byFolded.get(folded);
    if (other !== undefined) fail(`duplicate keys ${q(other)} and ${q(key)} (keys are matched case-insensitively)`);
    byFolded.set(folded, key);
  }
  let object = record;
  if (META_KEYS.some((k) => byFolded.has(k) && byFolded.get(k) !== k)) {
    const rename = new Map(META_KEYS.map((k) => [byFolded.get(k), k]));
    object = Object.fromEntries(Object.entries(record).map(([k, v]) => [rename.get(k) ?? k, v]));
  }
  for (const key of META_KEYS) {
    if (key in object && typeof object[key] !== 'string') fail(`${q(key)} must be a string`);
  }
  if (!object.schema) fail(`the object has no ${q('schema')}`);
  return object as FbcObject;
}

/** The shape checks the filter relies on (see the module comment). */
function checkObject(o: FbcObject, file: string, where: { index: number; line?: number }): void {
  const what = `${o.schema}${o.name ? ` ${q(o.name)}` : ''}${o.package ? ` of package ${q(o.package)}` : ''}`;
  const fail = (problem: string): never => {
    throw new FbcParseError(file, `${what}: ${problem}`, where);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const arrayOfObjects = (key: string, required: boolean): Record<string, unknown>[] => {
    const v = o[key];
    // Like Go's decoder, an optional list may be null (an empty YAML value).
    if ((v === undefined || v === null) && !required) return [];
    if (!Array.isArray(v)) return fail(`${q(key)} must be an array`);
    v.forEach((item, i) => {
      if (!isObject(item)) fail(`${key}[${i}] must be an object`);
    });
    return v as Record<string, unknown>[];
  };
  const needs = (key: 'name' | 'package'): void => {
    if (!o[key]) fail(`the object has no ${q(key)}`);
  };

  switch (o.schema) {
    case SCHEMA_PACKAGE:
      needs('name');
      break;
    case SCHEMA_CHANNEL:
      needs('name');
      needs('package');
      arrayOfObjects('entries', true).forEach((e, i) => {
        if (typeof e.name !== 'string' || !e.name) fail(`entries[${i}] has no ${q('name')}`);
        if (e.replaces != null && typeof e.replaces !== 'string') fail(`entries[${i}].replaces must be a string`);
        if (e.skips != null && !(Array.isArray(e.skips) && e.skips.every((s) => typeof s === 'string'))) {
          fail(`entries[${i}].skips must be an array of strings`);
        }
      });
      break;
    case SCHEMA_BUNDLE:
      needs('name');
      needs('package');
      if (o.image != null && typeof o.image !== 'string') fail(`${q('image')} must be a string`);
      arrayOfObjects('properties', false).forEach((p, i) => {
        if (typeof p.type !== 'string') fail(`properties[${i}] has no ${q('type')}`);
      });
      arrayOfObjects('relatedImages', false);
      break;
    case SCHEMA_DEPRECATIONS:
      needs('package');
      arrayOfObjects('entries', false);
      break;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON splitting

export interface SplitObject {
  /** The object's JSON text, from its `{` to its `}`. */
  text: string;
  /** 1-based position in the file. */
  index: number;
  /** 1-based line of the object's `{`. */
  line: number;
}

/** Inside a string only a quote or a backslash matters; outside, brackets and the start of a string. */
const IN_STRING = /["\\]/g;
const STRUCTURE = /[{}[\]"]/g;

/**
 * Splits a stream of concatenated JSON objects into the text of each object, fed in chunks of any size (a chunk
 * may end inside a string, an escape or between objects). It only tracks nesting, strings and escapes;
 * `JSON.parse` on each object does the real validation. Between objects only JSON whitespace is allowed.
 */
export class JsonObjectSplitter {
  private readonly file: string;
  /** Text of the object being read, from chunks before the current one. */
  private pending: string[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private objectLine = 0;
  private count = 0;

  constructor(file: string) {
    this.file = file;
  }

  /** Feeds the next piece of text; returns the objects it completed, in order. */
  push(chunk: string): SplitObject[] {
    const out: SplitObject[] = [];
    const n = chunk.length;
    let start = this.depth > 0 ? 0 : -1;
    let counted = 0;
    let i = 0;
    while (i < n) {
      if (this.depth === 0) {
        const c = chunk.charCodeAt(i);
        if (c === 0x7b /* { */) {
          this.line += countNewlines(chunk, counted, i);
          counted = i;
          this.objectLine = this.line;
          this.depth = 1;
          start = i++;
        } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          i++;
        } else {
          this.line += countNewlines(chunk, counted, i);
          throw new FbcParseError(this.file, `unexpected ${q(chunk[i])} between JSON objects`, {
            index: this.count + 1,
            line: this.line,
          });
        }
      } else if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        IN_STRING.lastIndex = i;
        const m = IN_STRING.exec(chunk);
        if (!m) break;
        i = m.index + 1;
        if (chunk.charCodeAt(m.index) === 0x5c /* \ */) this.escaped = true;
        else this.inString = false;
      } else {
        STRUCTURE.lastIndex = i;
        const m = STRUCTURE.exec(chunk);
        if (!m) break;
        i = m.index + 1;
        const c = chunk.charCodeAt(m.index);
        if (c === 0x22 /* " */) this.inString = true;
        else if (c === 0x7b || c === 0x5b /* { [ */) this.depth++;
        else if (--this.depth === 0) {
          this.pending.push(chunk.slice(start, i));
          out.push({ text: this.pending.join(''), index: ++this.count, line: this.objectLine });
          this.pending = [];
          start = -1;
        }
      }
    }
    if (this.depth > 0) this.pending.push(chunk.slice(start));
    this.line += countNewlines(chunk, counted, n);
    return out;
  }

  /** Call at the end of the input: an object still open is an error. */
  end(): void {
    if (this.depth > 0) {
      throw new FbcParseError(this.file, 'the file ends inside a JSON object', {
        index: this.count + 1,
        line: this.objectLine,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON splitting on bytes, and the meta values read from them

/** An object found by {@link JsonByteSplitter}. */
export interface ByteSplitObject {
  /** The object's bytes, from its `{` to its `}`. */
  bytes: Buffer;
  /** 1-based position in the file. */
  index: number;
  /** 1-based line of the object's `{`. */
  line: number;
  /**
   * Where the object's nested values are, for {@link scanFbcMeta}: offsets in `bytes` of the bracket that takes
   * the nesting from 1 to 2 and of the one that brings it back, one pair after the other.
   */
  nested: number[];
}

/**
 * {@link JsonObjectSplitter} on raw bytes, so nothing is decoded: the same state machine over the same bracket,
 * quote and backslash characters, which never occur inside a multibyte UTF-8 sequence, so a chunk may end
 * anywhere, even inside a character. Error messages and line numbers are those of the text splitter.
 */
export class JsonByteSplitter {
  private readonly file: string;
  /** Bytes of the object being read, from chunks before the current one, and their total length. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private nested: number[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private objectLine = 0;
  private count = 0;
  /** A non-ASCII character found between objects whose bytes go on in the next chunk (an error to report). */
  private stray?: { bytes: Buffer; length: number };

  constructor(file: string) {
    this.file = file;
  }

  /** Feeds the next piece of the file; returns the objects it completed, in order. */
  push(chunk: Buffer): ByteSplitObject[] {
    const out: ByteSplitObject[] = [];
    const n = chunk.length;
    if (this.stray) {
      const { bytes, length } = this.stray;
      this.stray.bytes = Buffer.concat([bytes, chunk.subarray(0, length - bytes.length)]);
      if (this.stray.bytes.length < length) return out;
      this.unexpected(this.stray.bytes);
    }
    let start = this.depth > 0 ? 0 : -1;
    /** Offset in the object of the chunk's first byte. */
    let base = this.pendingBytes;
    let depth = this.depth;
    let line = this.line;
    /** The next newline at or after the position it was looked up from (n: none), for long strings. */
    let newline = -1;
    let i = 0;
    while (i < n) {
      if (depth === 0) {
        const c = chunk[i];
        if (c === 0x7b /* { */) {
          this.objectLine = line;
          depth = 1;
          start = i;
          base = -i;
        } else if (c === 0x0a) {
          line++;
        } else if (c !== 0x20 && c !== 0x0d && c !== 0x09) {
          this.line = line;
          this.depth = 0;
          const length = utf8SequenceLength(c);
          if (i + length <= n) this.unexpected(chunk.subarray(i, i + length));
          // The character goes on in the next chunk: the error is reported with it.
          this.stray = { bytes: Buffer.from(chunk.subarray(i)), length };
          return out;
        }
        i++;
      } else if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          if (chunk[i] === 0x0a) line++;
          i++;
        }
        // Short strings byte by byte; from the 64th byte on, jump to the next quote.
        const stop = Math.min(n, i + 64);
        while (i < stop) {
          const c = chunk[i];
          if (c === 0x22 /* " */) break;
          if (c === 0x5c /* \ */) {
            if (++i === n) this.escaped = true;
            else if (chunk[i] === 0x0a) line++;
          } else if (c === 0x0a) {
            line++;
          }
          i++;
        }
        if (i < stop) {
          this.inString = false;
          i++;
          continue;
        }
        if (i >= n) break;
        let quote = chunk.indexOf(0x22, i);
        while (quote >= 0 && oddBackslashesBefore(chunk, i, quote)) quote = chunk.indexOf(0x22, quote + 1);
        const to = quote < 0 ? n : quote;
        if (newline < i) newline = nextNewline(chunk, i);
        while (newline < to) {
          line++;
          newline = nextNewline(chunk, newline + 1);
        }
        if (quote < 0) {
          this.escaped = oddBackslashesBefore(chunk, i, n);
          break;
        }
        this.inString = false;
        i = quote + 1;
      } else {
        for (; i < n; i++) {
          const kind = BYTE_KIND[chunk[i]];
          if (kind === 0) continue;
          if (kind === QUOTE) {
            this.inString = true;
            i++;
            break;
          }
          if (kind === NEWLINE) {
            line++;
          } else if (kind === OPEN) {
            if (++depth === 2) this.nested.push(base + i);
          } else if (--depth === 1) {
            this.nested.push(base + i);
          } else if (depth === 0) {
            i++;
            const last = chunk.subarray(start, i);
            const bytes = this.pending.length ? Buffer.concat([...this.pending, last]) : last;
            out.push({ bytes, index: ++this.count, line: this.objectLine, nested: this.nested });
            this.pending = [];
            this.pendingBytes = 0;
            this.nested = [];
            start = -1;
            break;
          }
        }
      }
    }
    this.depth = depth;
    this.line = line;
    if (depth > 0) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += n - start;
    }
    return out;
  }

  /** Call at the end of the input: an object still open is an error. */
  end(): void {
    if (this.stray) this.unexpected(this.stray.bytes);
    if (this.depth > 0) {
      throw new FbcParseError(this.file, 'the file ends inside a JSON object', {
        index: this.count + 1,
        line: this.objectLine,
      });
    }
  }

  /** The text splitter's error for the character (first UTF-16 unit of what `bytes` decode to) between objects. */
  private unexpected(bytes: Buffer): never {
    throw new FbcParseError(this.file, `unexpected ${q(bytes.toString('utf8')[0])} between JSON objects`, {
      index: this.count + 1,
      line: this.line,
    });
  }
}

/** How many bytes the UTF-8 sequence starting with `lead` takes (1 for ASCII and for bytes that cannot lead). */
function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/** Whether the backslashes right before `at` (none before `from`, where no escape is pending) are odd in number. */
function oddBackslashesBefore(bytes: Buffer, from: number, at: number): boolean {
  let k = at;
  while (k > from && bytes[k - 1] === 0x5c /* \ */) k--;
  return (at - k) % 2 === 1;
}

function nextNewline(bytes: Buffer, from: number): number {
  const at = bytes.indexOf(0x0a, from);
  return at < 0 ? bytes.length : at;
}

/** What the splitter does with each byte outside strings (0: nothing). */
const QUOTE = 1;
const NEWLINE = 2;
const OPEN = 3;
const CLOSE = 4;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[0x22] = QUOTE;
BYTE_KIND[0x0a] = NEWLINE;
BYTE_KIND[0x7b] = BYTE_KIND[0x5b] = OPEN;
BYTE_KIND[0x7d] = BYTE_KIND[0x5d] = CLOSE;

/** The meta values of an object as {@link metaObject} would see them (keys case-folded). */
export interface FbcMeta {
  schema: string;
  package?: string;
  name?: string;
}

/**
 * Reads an object's top-level `schema`, `package` and `name` from its bytes (`nested`: the offsets
 * {@link JsonByteSplitter} noted, so nested values are jumped over, not read). Returns undefined whenever the
 * answer might differ from what parsing the object and {@link metaObject} would give, or the object would fail
 * there: an escape or a control character in a key or in a meta value, a key that is not ASCII (Unicode case
 * folding turns `ſchema` into `schema`), two keys equal after case folding, more than {@link MAX_SCANNED_KEYS}
 * keys, a meta value that is not a string, no (or an empty) schema, or top-level syntax that is not JSON.
 * Strings, numbers and literals at the top level are checked; nested values only skipped, not validated.
 */
export function scanFbcMeta(bytes: Buffer, nested: readonly number[]): FbcMeta | undefined {
  const end = bytes.length - 1;
  if (bytes[0] !== 0x7b || bytes[end] !== 0x7d) return undefined;
  /** Start and end of each key so far. */
  const keys: number[] = [];
  let schema: string | undefined;
  let pkg: string | undefined;
  let name: string | undefined;
  let next = 0;
  let i = skipJsonSpace(bytes, 1);
  if (i === end) return undefined;
  for (;;) {
    if (bytes[i] !== 0x22 || keys.length === 2 * MAX_SCANNED_KEYS) return undefined;
    const keyStart = i + 1;
    const keyEnd = plainStringEnd(bytes, keyStart, end, true);
    if (keyEnd < 0) return undefined;
    for (let k = 0; k < keys.length; k += 2) {
      if (sameAsciiFolded(bytes, keys[k], keys[k + 1], keyStart, keyEnd)) return undefined;
    }
    keys.push(keyStart, keyEnd);
    const key = metaKeyAt(bytes, keyStart, keyEnd);
    const meta = key !== undefined;
    i = skipJsonSpace(bytes, keyEnd + 1);
    if (bytes[i] !== 0x3a /* : */) return undefined;
    i = skipJsonSpace(bytes, i + 1);
    const c = bytes[i];
    if (c === 0x22 /* " */) {
      const valueEnd = meta ? plainStringEnd(bytes, i + 1, end) : stringEnd(bytes, i + 1, end);
      if (valueEnd < 0) return undefined;
      if (meta) {
        const value = bytes.toString('utf8', i + 1, valueEnd);
        if (key === 'schema') schema = value;
        else if (key === 'package') pkg = value;
        else name = value;
      }
      i = valueEnd + 1;
    } else if (c === 0x7b || c === 0x5b /* { [ */) {
      const close = nested[next + 1];
      if (meta || nested[next] !== i || !(close < end) || bytes[close] !== c + 2 /* { → }, [ → ] */) return undefined;
      i = close + 1;
      next += 2;
    } else {
      if (meta) return undefined;
      const from = i;
      while (i < end && !isScalarEnd(bytes[i])) i++;
      if (!isJsonScalar(bytes, from, i)) return undefined;
    }
    i = skipJsonSpace(bytes, i);
    if (bytes[i] === 0x2c /* , */) i = skipJsonSpace(bytes, i + 1);
    else if (i === end) break;
    else return undefined;
  }
  if (!schema) return undefined;
  const out: FbcMeta = { schema };
  if (pkg !== undefined) out.package = pkg;
  if (name !== undefined) out.name = name;
  return out;
}

function skipJsonSpace(bytes: Buffer, from: number): number {
  let i = from;
  for (let c = bytes[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = bytes[++i]);
  return i;
}

/** The closing quote of a string whose content starts at `from`, or -1 (none before `end`). */
function stringEnd(bytes: Buffer, from: number, end: number): number {
  let quote = bytes.indexOf(0x22, from);
  while (quote >= 0 && quote < end && oddBackslashesBefore(bytes, from, quote)) quote = bytes.indexOf(0x22, quote + 1);
  return quote < end ? quote : -1;
}

/** Like {@link stringEnd} for a string without escapes or control characters (nor non-ASCII, if so asked). */
function plainStringEnd(bytes: Buffer, from: number, end: number, ascii = false): number {
  for (let i = from; i < end; i++) {
    const c = bytes[i];
    if (c === 0x22) return i;
    if (c === 0x5c || c < 0x20 || (ascii && c >= 0x80)) return -1;
  }
  return -1;
}

/** Objects with more top-level keys take the full path (the duplicate check below is quadratic). */
const MAX_SCANNED_KEYS = 64;

const META_KEY_BYTES = META_KEYS.map((k) => Buffer.from(k));

/** The meta key an ASCII key is, ignoring case. */
function metaKeyAt(bytes: Buffer, from: number, to: number): (typeof META_KEYS)[number] | undefined {
  for (let m = 0; m < META_KEYS.length; m++) {
    const want = META_KEY_BYTES[m];
    if (want.length !== to - from) continue;
    let k = 0;
    while (k < want.length && asciiLower(bytes[from + k]) === want[k]) k++;
    if (k === want.length) return META_KEYS[m];
  }
  return undefined;
}

/** Whether two ASCII keys are equal ignoring case (for ASCII, what {@link metaObject}'s case folding does). */
function sameAsciiFolded(bytes: Buffer, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let k = 0; k < aEnd - a; k++) if (asciiLower(bytes[a + k]) !== asciiLower(bytes[b + k])) return false;
  return true;
}

function asciiLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function isScalarEnd(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const LITERALS = ['true', 'false', 'null'].map((s) => Buffer.from(s));

/** `true`, `false`, `null` or a JSON number. */
function isJsonScalar(bytes: Buffer, from: number, to: number): boolean {
  if (LITERALS.some((l) => l.length === to - from && bytes.compare(l, 0, l.length, from, to) === 0)) return true;
  const digit = (k: number): boolean => k < to && bytes[k] >= 0x30 && bytes[k] <= 0x39;
  const digits = (k: number): number => {
    let j = k;
    while (digit(j)) j++;
    return j;
  };
  let i = from;
  if (bytes[i] === 0x2d /* - */) i++;
  if (!digit(i)) return false;
  i = bytes[i] === 0x30 ? i + 1 : digits(i);
  if (i < to && bytes[i] === 0x2e /* . */) {
    if (!digit(i + 1)) return false;
    i = digits(i + 1);
  }
  if (i < to && (bytes[i] === 0x65 || bytes[i] === 0x45) /* e E */) {
    i++;
    if (i < to && (bytes[i] === 0x2b || bytes[i] === 0x2d) /* + - */) i++;
    if (!digit(i)) return false;
    i = digits(i);
  }
  return i === to;
}

function countNewlines(s: string, from: number, to: number): number {
  let count = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) count++;
  return count;
}

function q(s: string): string {
  return JSON.stringify(s);
}
