/**
 * Loads a File-Based Catalog directory the way operator-registry's `declcfg.LoadFS` does (collectors.md §2.4):
 * every regular file under the root, minus what `.indexignore` files exclude, is a stream of FBC objects in JSON
 * or YAML; the objects are grouped into a {@link DeclarativeConfig}.
 *
 * Differences from LoadFS, on purpose:
 * - objects of packages the caller does not want are dropped as soon as they are parsed (`keepPackage`), and JSON
 *   files are split into objects while they are read, so a catalog of several hundred MB never sits in memory;
 * - the result is deterministic (files sorted by path, objects in file order) where LoadFS's order depends on
 *   goroutine scheduling;
 * - the fields the filter relies on are type-checked here, so a malformed catalog fails with the file and object
 *   named instead of deep inside the filter. Objects that are dropped are not checked.
 *
 * YAML is read with the `yaml` package's default (YAML 1.2 core) schema; operator-registry's YAML 1.1 decoder
 * differs only on unquoted `yes`/`no`/`on`/`off` and leading-zero octals, which FBC objects do not use.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** Objects of packages this rejects are dropped right after parsing; objects without a package are kept. */
  keepPackage?: (name: string) => boolean;
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
      perFile[i] = await loadFile(root, files[i], opts.keepPackage, signal);
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
    entries.sort((a, b) => compareStrings(a.name, b.name));
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
  return files.filter((f) => !ignored(f)).sort(compareStrings);
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

async function loadFile(
  root: string,
  file: string,
  keepPackage: ((name: string) => boolean) | undefined,
  signal: AbortSignal,
): Promise<FbcObject[]> {
  const kept: FbcObject[] = [];
  const take = (raw: unknown, where: { index: number; line?: number }): void => {
    const object = metaObject(raw, file, where);
    const pkg = packageOf(object);
    if (pkg && keepPackage && !keepPackage(pkg)) return;
    checkObject(object, file, where);
    kept.push(object);
  };

  const stream = createReadStream(join(root, file), { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES, signal });
  const splitter = new JsonObjectSplitter(file);
  const yamlChunks: string[] = [];
  let format: 'json' | 'yaml' | undefined;
  let leading: string | undefined;
  for await (const piece of stream as AsyncIterable<string>) {
    signal.throwIfAborted();
    let chunk = piece;
    if (!format) {
      // Sniff like the k8s YAML-or-JSON decoder: JSON when the first non-blank character opens an object.
      // Blank chunks before it are kept so that line numbers stay right.
      chunk = leading === undefined ? chunk.replace(/^\uFEFF/, '') : leading + chunk;
      const first = chunk.search(/\S/);
      if (first < 0) {
        leading = chunk;
        continue;
      }
      format = chunk[first] === '{' ? 'json' : 'yaml';
    }
    if (format === 'yaml') yamlChunks.push(chunk);
    else for (const o of splitter.push(chunk)) take(parseJsonObject(o, file), { index: o.index, line: o.line });
  }
  if (format === 'json') splitter.end();
  if (format === 'yaml') parseYaml(yamlChunks.join(''), file, take, signal);
  return kept;
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

function countNewlines(s: string, from: number, to: number): number {
  let count = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) count++;
  return count;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function q(s: string): string {
  return JSON.stringify(s);
}
