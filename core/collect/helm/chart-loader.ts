/**
 * Loads a Helm chart the way helm's `loader.Load` does, from a packaged `.tgz` or a chart directory: Chart.yaml
 * (apiVersion v1 or v2), values.yaml, templates/, every other file (crds/ included) as the chart's files, and the
 * subcharts under charts/ (directories or nested `.tgz`), recursively. apiVersion v1 charts declare their
 * dependencies in requirements.yaml. A directory honours its `.helmignore`.
 *
 * Archives are read fully into memory (charts are small; Helm caps them at 100 MiB, 5 MiB per file).
 *
 * NOTE: the loaded tree is never mutated later: dependency processing (chart-values.ts) works on copies, so a
 * chart can be rendered more than once.
 */
import { createGunzip } from 'node:zlib';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { extract as tarExtract, type Header } from 'tar-stream';
import { parseAllDocuments } from 'yaml';
import { OcmError } from '../../errors.js';
import { parseVersion } from '../operator/masterminds-range.js';
import { parseHelmIgnore, type HelmIgnoreRules } from './helm-ignore.js';
import { GoYamlError, parseGoYaml } from './helm-yaml.js';

/** A chart could not be loaded, processed or rendered; names the chart and, when known, the file and line. */
export class HelmChartError extends OcmError {
  /** The chart as the user named it (path), or `name-version` inside a tree. */
  readonly chart: string;
  /** The file inside the chart (`templates/deployment.yaml`, `Chart.yaml`), when one is to blame. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  constructor(init: {
    chart: string;
    file?: string;
    line?: number;
    column?: number;
    message: string;
    hint?: string;
    cause?: unknown;
  }) {
    const position = init.line ? `:${init.line}${init.column ? `:${init.column}` : ''}` : '';
    const where = init.file ? `${init.file}${position}: ` : '';
    super('HELM_CHART', `helm chart ${init.chart}: ${where}${init.message}`, { hint: init.hint, cause: init.cause });
    this.chart = init.chart;
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
  }
}

/** A file of a chart; `name` is relative to the chart root, `/`-separated. */
export interface ChartFile {
  readonly name: string;
  readonly data: Buffer;
}

/** Chart values: a YAML map. */
export type Values = Record<string, unknown>;

/** A `dependencies` entry of Chart.yaml (requirements.yaml for apiVersion v1). */
export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: unknown[];
  alias: string;
}

export interface ChartMaintainer {
  name: string;
  email: string;
  url: string;
}

/** Chart.yaml. `dependencies` is undefined when the chart declares none (Helm then leaves subcharts alone). */
export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  kubeVersion: string;
  description: string;
  type: string;
  keywords: string[];
  home: string;
  sources: string[];
  icon: string;
  appVersion: string;
  deprecated: boolean;
  annotations: Record<string, string>;
  maintainers: ChartMaintainer[];
  condition: string;
  tags: string;
  dependencies: ChartDependency[] | undefined;
}

/** A loaded chart and its subcharts. */
export interface Chart {
  metadata: ChartMetadata;
  /** values.yaml (an empty map when absent). */
  values: Values;
  /** Files under templates/. */
  templates: ChartFile[];
  /** Every other file (crds/, README, .helmignore, …): what `.Files` serves. */
  files: ChartFile[];
  /** Subcharts found under charts/, sorted by directory or archive name. */
  dependencies: Chart[];
  /** values.schema.json, kept for completeness (Helm validates values against it; see chart-render.ts). */
  schema?: Buffer;
  /** Where the chart came from, for messages: the path, or `parent › charts/sub.tgz`. */
  origin: string;
}

/** Helm's limits (`loader.MaxDecompressedChartSize`, `MaxDecompressedFileSize`). */
export const MAX_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_CHART_FILE_SIZE = 5 * 1024 * 1024;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function stripBom(data: Buffer): Buffer {
  return data.subarray(0, 3).equals(UTF8_BOM) ? data.subarray(3) : data;
}

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Entries of a gzip'd tar as chart files: the top directory dropped, directories and specials skipped. */
export async function readChartArchive(data: Buffer, origin: string, signal?: AbortSignal): Promise<ChartFile[]> {
  if (!isGzip(data)) {
    throw new HelmChartError({
      chart: origin,
      message: 'does not appear to be a gzipped archive (a packaged chart is a .tgz)',
      hint: 'point the chart path at a chart .tgz or a chart directory',
    });
  }
  const files: ChartFile[] = [];
  const untar = tarExtract();
  const gunzip = createGunzip();
  let total = 0;
  const done = (async () => {
    for await (const entry of untar as unknown as AsyncIterable<
      AsyncIterable<Buffer> & { header: Header; resume(): void }
    >) {
      signal?.throwIfAborted();
      const header = entry.header;
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const name = archiveEntryName(header.name, origin);
      const size = header.size ?? 0;
      if (size > MAX_CHART_FILE_SIZE) {
        throw new HelmChartError({ chart: origin, file: name, message: `file is larger than ${MAX_CHART_FILE_SIZE}` });
      }
      total += size;
      if (total > MAX_CHART_SIZE) {
        throw new HelmChartError({ chart: origin, message: `decompressed chart is larger than ${MAX_CHART_SIZE}` });
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk);
      files.push({ name, data: stripBom(Buffer.concat(chunks)) });
    }
  })();
  gunzip.on('error', (err) => untar.destroy(err));
  gunzip.pipe(untar as unknown as NodeJS.WritableStream);
  gunzip.end(data);
  try {
    await done;
  } catch (err) {
    if (err instanceof HelmChartError || signal?.aborted) throw err;
    throw new HelmChartError({
      chart: origin,
      message: `cannot read the chart archive: ${(err as Error).message}`,
      cause: err,
    });
  }
  if (files.length === 0) throw new HelmChartError({ chart: origin, message: 'no files in chart archive' });
  return files;
}

/** Helm's archive path rules: drop the top directory, refuse absolute paths and `..`. */
function archiveEntryName(raw: string, origin: string): string {
  const delimiter = raw.includes('\\') ? '\\' : '/';
  const parts = raw.split(delimiter);
  if (parts[0] === 'Chart.yaml') {
    throw new HelmChartError({ chart: origin, file: raw, message: 'Chart.yaml is not in the base directory' });
  }
  const joined = parts.slice(1).join('/');
  if (joined.startsWith('/')) throw new HelmChartError({ chart: origin, file: raw, message: 'absolute path in chart' });
  const cleaned = cleanPath(joined);
  if (cleaned === '.') {
    throw new HelmChartError({ chart: origin, file: raw, message: 'content outside the base directory' });
  }
  if (cleaned.startsWith('..') || /^[a-zA-Z]:\//.test(cleaned)) {
    throw new HelmChartError({ chart: origin, file: raw, message: 'illegal path in chart' });
  }
  return cleaned;
}

/** Go's `path.Clean` for relative paths. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.length === 0 ? '.' : out.join('/');
}

// --- Chart.yaml ----------------------------------------------------------------------------------------------------

function parseYamlFile(file: ChartFile, origin: string): unknown {
  try {
    return parseGoYaml(file.data.toString('utf8'));
  } catch (err) {
    const line = err instanceof GoYamlError ? err.line : undefined;
    throw new HelmChartError({ chart: origin, file: file.name, line, message: (err as Error).message, cause: err });
  }
}

/** The same document with every scalar as written (YAML failsafe schema): `appVersion: 1.10` stays "1.10". */
function parseYamlText(file: ChartFile): unknown {
  const docs = parseAllDocuments(file.data.toString('utf8'), { schema: 'failsafe', uniqueKeys: false });
  if (!Array.isArray(docs) || docs.length === 0) return null;
  return docs[0]?.toJS({ maxAliasCount: -1 }) ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A string field: typed null → '', a string → itself, any other scalar → as written in the file. */
function textField(typed: unknown, raw: unknown): string {
  if (typed === null || typed === undefined) return '';
  if (typeof typed === 'string') return typed;
  if (typeof raw === 'string') return raw;
  return String(typed);
}

function textList(typed: unknown, raw: unknown): string[] {
  if (!Array.isArray(typed)) return [];
  const rawList = Array.isArray(raw) ? raw : [];
  return typed.map((v, i) => textField(v, rawList[i]));
}

function field(obj: unknown, key: string): unknown {
  return isRecord(obj) ? obj[key] : undefined;
}

function decodeDependencies(typed: unknown, raw: unknown): ChartDependency[] | undefined {
  if (!Array.isArray(typed)) return undefined;
  const rawList = Array.isArray(raw) ? raw : [];
  return typed.map((d, i) => {
    const r = rawList[i];
    const importValues = field(d, 'import-values');
    return {
      name: textField(field(d, 'name'), field(r, 'name')),
      version: textField(field(d, 'version'), field(r, 'version')),
      repository: textField(field(d, 'repository'), field(r, 'repository')),
      condition: textField(field(d, 'condition'), field(r, 'condition')),
      tags: textList(field(d, 'tags'), field(r, 'tags')),
      enabled: field(d, 'enabled') === true,
      importValues: Array.isArray(importValues) ? importValues : [],
      alias: textField(field(d, 'alias'), field(r, 'alias')),
    };
  });
}

function decodeMetadata(typed: unknown, raw: unknown): ChartMetadata {
  const t = (key: string) => textField(field(typed, key), field(raw, key));
  const annotations: Record<string, string> = {};
  const rawAnnotations = field(raw, 'annotations');
  const typedAnnotations = field(typed, 'annotations');
  if (isRecord(typedAnnotations)) {
    for (const [k, v] of Object.entries(typedAnnotations)) annotations[k] = textField(v, field(rawAnnotations, k));
  }
  const maintainersTyped = field(typed, 'maintainers');
  const maintainersRaw = field(raw, 'maintainers');
  const maintainers = Array.isArray(maintainersTyped)
    ? maintainersTyped.map((m, i) => {
        const r = Array.isArray(maintainersRaw) ? maintainersRaw[i] : undefined;
        return {
          name: textField(field(m, 'name'), field(r, 'name')),
          email: textField(field(m, 'email'), field(r, 'email')),
          url: textField(field(m, 'url'), field(r, 'url')),
        };
      })
    : [];
  return {
    apiVersion: t('apiVersion'),
    name: t('name'),
    version: t('version'),
    kubeVersion: t('kubeVersion'),
    description: t('description'),
    type: t('type'),
    keywords: textList(field(typed, 'keywords'), field(raw, 'keywords')),
    home: t('home'),
    sources: textList(field(typed, 'sources'), field(raw, 'sources')),
    icon: t('icon'),
    appVersion: t('appVersion'),
    deprecated: field(typed, 'deprecated') === true,
    annotations,
    maintainers,
    condition: t('condition'),
    tags: t('tags'),
    dependencies: decodeDependencies(field(typed, 'dependencies'), field(raw, 'dependencies')),
  };
}

const ALIAS_NAME = /^[a-zA-Z0-9_-]+$/;

/** Helm's `Metadata.Validate`, with its messages. */
function validateMetadata(md: ChartMetadata): string | undefined {
  if (md.apiVersion === '') return 'chart.metadata.apiVersion is required';
  if (md.name === '') return 'chart.metadata.name is required';
  if (md.name !== basename(md.name) || md.name.includes('\\'))
    return `chart.metadata.name ${JSON.stringify(md.name)} is invalid`;
  if (md.version === '') return 'chart.metadata.version is required';
  if (!parseVersion(md.version)) return `chart.metadata.version ${JSON.stringify(md.version)} is invalid`;
  if (md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    return 'chart.metadata.type must be application or library';
  }
  const seen = new Set<string>();
  for (const dep of md.dependencies ?? []) {
    if (dep.alias !== '' && !ALIAS_NAME.test(dep.alias))
      return `dependency ${JSON.stringify(dep.name)} has disallowed characters in the alias`;
    const key = dep.alias || dep.name;
    if (seen.has(key)) return `more than one dependency with name or alias ${JSON.stringify(key)}`;
    seen.add(key);
  }
  return undefined;
}

// --- assembling a chart from its files -------------------------------------------------------------------------------

/**
 * Helm's `LoadFiles`: sorts `files` (names relative to the chart root) into a chart, loading subcharts under
 * charts/ (directories and nested `.tgz`) recursively.
 */
export async function loadChartFiles(
  files: readonly ChartFile[],
  origin: string,
  signal?: AbortSignal,
): Promise<Chart> {
  const chartYaml = files.find((f) => f.name === 'Chart.yaml');
  if (!chartYaml) throw new HelmChartError({ chart: origin, message: 'Chart.yaml file is missing' });
  const typedChart = parseYamlFile(chartYaml, origin);
  const metadata = decodeMetadata(typedChart, parseYamlText(chartYaml));
  if (metadata.apiVersion === '') metadata.apiVersion = 'v1';

  const chart: Chart = { metadata, values: {}, templates: [], files: [], dependencies: [], origin };
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    if (f.name === 'Chart.yaml' || f.name === 'Chart.lock' || f.name === 'requirements.lock') {
      if (f.name === 'requirements.lock' && metadata.apiVersion === 'v1') chart.files.push(f);
      continue;
    }
    if (f.name === 'values.yaml') {
      const values = parseYamlFile(f, origin);
      if (values !== null && !isRecord(values)) {
        throw new HelmChartError({ chart: origin, file: f.name, message: 'values.yaml is not a map' });
      }
      chart.values = (values as Values | null) ?? {};
    } else if (f.name === 'values.schema.json') {
      chart.schema = f.data;
    } else if (f.name === 'requirements.yaml') {
      // Deprecated since apiVersion v2, still honoured (Helm merges it into the metadata).
      const typed = parseYamlFile(f, origin);
      const deps = decodeDependencies(field(typed, 'dependencies'), field(parseYamlText(f), 'dependencies'));
      if (deps) metadata.dependencies = deps;
      if (metadata.apiVersion === 'v1') chart.files.push(f);
    } else if (f.name.startsWith('templates/')) {
      chart.templates.push(f);
    } else if (f.name.startsWith('charts/')) {
      if (extname(f.name) === '.prov') {
        chart.files.push(f);
        continue;
      }
      const rest = f.name.slice('charts/'.length);
      const sub = rest.split('/')[0] ?? '';
      const list = subcharts.get(sub) ?? [];
      list.push({ name: rest, data: f.data });
      subcharts.set(sub, list);
    } else {
      chart.files.push(f);
    }
  }

  const problem = validateMetadata(metadata);
  if (problem) throw new HelmChartError({ chart: origin, file: 'Chart.yaml', message: `validation: ${problem}` });

  for (const sub of [...subcharts.keys()].sort()) {
    signal?.throwIfAborted();
    if (sub === '' || sub.startsWith('_') || sub.startsWith('.')) continue;
    const subFiles = subcharts.get(sub) ?? [];
    const subOrigin = `${origin} › charts/${sub}`;
    if (extname(sub) === '.tgz') {
      const archive = subFiles[0];
      if (!archive || archive.name !== sub) {
        throw new HelmChartError({ chart: origin, file: `charts/${sub}`, message: 'error unpacking subchart tar' });
      }
      chart.dependencies.push(await loadChartArchive(archive.data, subOrigin, signal));
    } else {
      const inner = subFiles
        .filter((f) => f.name.includes('/'))
        .map((f) => ({ name: f.name.slice(f.name.indexOf('/') + 1), data: f.data }));
      chart.dependencies.push(await loadChartFiles(inner, subOrigin, signal));
    }
  }
  return chart;
}

/** A chart from the bytes of a `.tgz`. */
export async function loadChartArchive(data: Buffer, origin: string, signal?: AbortSignal): Promise<Chart> {
  return loadChartFiles(await readChartArchive(data, origin, signal), origin, signal);
}

/** The files of a chart directory, `.helmignore` applied, symlinks followed (Helm's `LoadDir`). */
async function readChartDirectory(root: string, origin: string, signal?: AbortSignal): Promise<ChartFile[]> {
  let rules: HelmIgnoreRules;
  try {
    const text = await readFile(join(root, '.helmignore'), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    rules = parseHelmIgnore(text);
  } catch (err) {
    throw new HelmChartError({ chart: origin, file: '.helmignore', message: (err as Error).message, cause: err });
  }
  const files: ChartFile[] = [];
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    signal?.throwIfAborted();
    const names = (await readdir(rel === '' ? root : join(root, rel))).sort();
    for (const name of names) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, relPath);
      const link = await lstat(full);
      const info = link.isSymbolicLink() ? await stat(full) : link;
      if (info.isDirectory()) {
        if (!rules.ignores(relPath, true)) await walk(relPath);
        continue;
      }
      if (rules.ignores(relPath, false)) continue;
      if (!info.isFile()) {
        throw new HelmChartError({ chart: origin, file: relPath, message: 'cannot load an irregular file' });
      }
      if (info.size > MAX_CHART_FILE_SIZE) {
        throw new HelmChartError({
          chart: origin,
          file: relPath,
          message: `file is larger than ${MAX_CHART_FILE_SIZE}`,
        });
      }
      total += info.size;
      if (total > MAX_CHART_SIZE) {
        throw new HelmChartError({ chart: origin, message: `chart is larger than ${MAX_CHART_SIZE}` });
      }
      files.push({ name: relPath, data: stripBom(await readFile(full)) });
    }
  };
  await walk('');
  return files;
}

/** Loads a chart from a `.tgz` or a chart directory (helm `loader.Load`). */
export async function loadChart(path: string, options: { signal?: AbortSignal } = {}): Promise<Chart> {
  const { signal } = options;
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new HelmChartError({ chart: path, message: `cannot read: ${(err as Error).message}`, cause: err });
  }
  try {
    if (info.isDirectory()) return await loadChartFiles(await readChartDirectory(path, path, signal), path, signal);
    return await loadChartArchive(await readFile(path), path, signal);
  } catch (err) {
    if (err instanceof HelmChartError || signal?.aborted) throw err;
    throw new HelmChartError({ chart: path, message: (err as Error).message, cause: err });
  }
}
