/**
 * Helm chart repositories (collectors.md §3.2): the index, Helm's version resolution, chart downloads, and the
 * offline lookups of disk-to-mirror.
 *
 * - `fetchIndex` GETs `<repo>/index.yaml` (helm-url.ts), parses it as Helm's `repo.loadIndex` does (JSON or YAML;
 *   entries without a name or with a version that is not semver are skipped; versions sorted newest first) and
 *   stores the body atomically at `working-dir/helm/indexes/<host>/<path>/index.yaml` — for every repository, not
 *   only when `charts` is omitted, so that disk-to-mirror can resolve the same versions offline.
 * - `resolveChartVersion` is Helm's `IndexFile.Get`: an exact version string first, then the first (newest)
 *   version satisfying the Masterminds constraint; empty = `*` = the newest stable version.
 * - `downloadChart` streams `urls[0]` to `working-dir/helm/charts/<file name of the URL>` through a temp file,
 *   hashing as it goes; a sha256 that differs from the entry's `digest` is refused and nothing is kept.
 *
 * HTTP follows the registry client's conventions: HTTP(S)_PROXY/NO_PROXY, TLS verification and a CA directory
 * (http-agent.ts), redirects, retries with backoff on 408/429/5xx and connection failures (retry-policy.ts), an idle
 * timeout per attempt, cancellation by AbortSignal. Credentials (from the URL's user info, else Basic credentials of
 * the registry auth files for the repository's host) go only to that host and are never part of a message.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import YAML from 'yaml';
import { CancelledError, OcmError } from '../../errors.js';
import { closestMatch } from '../../config/suggest.js';
import { HttpDispatchers } from '../../registry/http-agent.js';
import { discard, readCapped } from '../../registry/read-body.js';
import { formatDuration } from '../../registry/registry-errors.js';
import {
  errorCode,
  isTemporaryNetworkError,
  isTemporaryStatus,
  isTlsCertificateError,
  isTlsProtocolError,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetrySettings,
} from '../../registry/retry-policy.js';
import {
  compareVersions,
  formatVersion,
  parseVersion,
  parseVersionRange,
  rangeContains,
} from '../operator/masterminds-range.js';
import {
  HelmUrlError,
  basicAuthorization,
  chartFileName,
  displayUrl,
  indexStorePath,
  indexUrl,
  parseRepositoryUrl,
  resolveChartUrl,
  splitUserInfo,
} from './helm-url.js';

/** A repository of the ImageSetConfiguration (`mirror.helm.repositories[]`). */
export interface HelmRepositoryRef {
  name: string;
  url: string;
}

/** One version of a chart in an index (`entries.<name>[]`). */
export interface HelmChartVersion {
  /** The entries key the version was listed under (what charts are resolved by). */
  name: string;
  version: string;
  /** Download URLs as written in the index; Helm only ever uses the first. */
  urls: string[];
  /** Lower-case hex sha256 of the chart archive, when the index gives a well-formed one. */
  digest?: string;
  /** `application`, `library`, or '' (= application). */
  type: string;
  /** As written in the index (RFC 3339). */
  created?: string;
  /** Chart API version; '' in the index counts as `v1` (Helm). */
  apiVersion: string;
  appVersion?: string;
}

/** An index entry Helm would skip while loading, and why (for debug output). */
export interface SkippedIndexEntry {
  chart: string;
  version: string;
  reason: string;
}

/** A parsed repository index. */
export interface HelmIndex {
  apiVersion: string;
  generated?: string;
  /** Chart name → versions, newest first (Masterminds precedence; build metadata ignored). */
  entries: ReadonlyMap<string, readonly HelmChartVersion[]>;
  skipped: readonly SkippedIndexEntry[];
}

/** A chart version to collect: what an omitted `charts` list expands to. */
export interface HelmChartSelection {
  name: string;
  version: string;
}

/** A chart archive in the working dir. */
export interface DownloadedChart {
  path: string;
  /** `sha256:<hex>` of the file. */
  digest: string;
  size: number;
  /** The index gave a digest and the file matched it. */
  verified: boolean;
  /** The file was already there with the index's digest: nothing was downloaded. */
  reused: boolean;
}

/** A Helm repository failure: names the repository, its URL (without credentials) and, when known, the chart. */
export class HelmRepositoryError extends OcmError {
  readonly repository: string;
  /** URL of the request or repository, without credentials or query. */
  readonly url?: string;
  readonly chart?: string;
  readonly version?: string;
  readonly status?: number;
  /** True when a later attempt may succeed (5xx, 429, timeouts, resets). */
  readonly temporary: boolean;
  constructor(init: {
    message: string;
    repository: string;
    url?: string;
    chart?: string;
    version?: string;
    status?: number;
    temporary?: boolean;
    hint?: string;
    cause?: unknown;
  }) {
    super('HELM_REPOSITORY', init.message, { hint: init.hint, cause: init.cause });
    this.repository = init.repository;
    this.url = init.url;
    this.chart = init.chart;
    this.version = init.version;
    this.status = init.status;
    this.temporary = init.temporary ?? false;
  }
}

/** Where credentials for a repository host can come from: a `CredentialStore` (core/registry/credentials.ts). */
export interface HelmCredentialSource {
  get(host: string): Promise<{ username: string; password: string } | { identityToken: string } | undefined>;
}

export interface HelmRepositoryClientOptions {
  /** `HTTP(S)_PROXY`, `NO_PROXY`. Passed in, never read from process.env here. */
  env: Readonly<Record<string, string | undefined>>;
  /** `--src-tls-verify`. @default true */
  tlsVerify?: boolean;
  /** Extra CA certificates (`*.crt`, optional `*.cert`/`*.key` client pair). */
  certDir?: string;
  /** `--retry-times` / `--retry-delay`. @default {times: 5, delayMs: 0} */
  retry?: RetrySettings;
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void;
  /** An attempt fails when the server sends nothing (headers or body bytes) for this long. @default 60000 */
  timeoutMs?: number;
  /** Basic credentials for a repository's host (identity tokens are ignored). None when omitted. */
  credentials?: HelmCredentialSource;
  /** @default 'ocm-tui' */
  userAgent?: string;
  /** Largest index accepted (after decompression). @default 512 MiB */
  maxIndexBytes?: number;
  /** Largest chart archive accepted. @default 1 GiB */
  maxChartBytes?: number;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const SHA256_HEX = /^[a-f0-9]{64}$/;
/** YAML nulls as the failsafe schema leaves them: treated as absent, like Go's zero value. */
const NULL_SCALARS = new Set(['', '~', 'null', 'Null', 'NULL']);

// --- Index parsing ------------------------------------------------------------------------------------------------

function repoLabel(repo: HelmRepositoryRef, url?: string): string {
  return `helm repository "${repo.name}" (${url ?? displayUrl(repo.url)})`;
}

/**
 * Parses an index body as Helm's `loadIndex` does. JSON bodies are read as JSON, anything else as YAML with every
 * scalar kept as written (so `version: 1.10` stays "1.10", as with Helm's string fields). Throws
 * HelmRepositoryError for a body that is not an index.
 */
export function parseHelmIndex(text: string, repo: HelmRepositoryRef, where?: string): HelmIndex {
  const shownWhere = where ?? safeDisplayIndexUrl(repo.url);
  const invalid = (reason: string, cause?: unknown) =>
    new HelmRepositoryError({
      message: `${repoLabel(repo, shownWhere)}: not a valid chart repository index: ${reason}`,
      repository: repo.name,
      url: shownWhere,
      hint:
        'the URL must be a Helm chart repository: a directory whose index.yaml lists the charts ' +
        '(e.g. https://charts.example.com/stable/); OCI registries are not supported',
      cause,
    });
  if (text.trim() === '') throw invalid('empty index.yaml file');
  let doc: unknown;
  const trimmed = text.trimStart();
  let parsedAsJson = false;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(text);
      parsedAsJson = true;
    } catch {
      // not JSON after all: YAML below (a flow mapping is YAML too)
    }
  }
  if (!parsedAsJson) {
    try {
      doc = YAML.parse(text, { schema: 'failsafe', uniqueKeys: true });
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw invalid(message, err);
    }
  }
  if (!isObject(doc)) throw invalid('the document is not a mapping');
  const apiVersion = scalar(doc.apiVersion);
  const rawEntries = doc.entries;
  const entriesAbsent = rawEntries === undefined || rawEntries === null || scalar(rawEntries) === undefined;
  if (!isObject(rawEntries) && !(entriesAbsent && !Array.isArray(rawEntries))) {
    throw invalid('"entries" is not a mapping of chart names');
  }
  const entries = new Map<string, HelmChartVersion[]>();
  const skipped: SkippedIndexEntry[] = [];
  for (const [chart, list] of Object.entries(isObject(rawEntries) ? rawEntries : {})) {
    const versions: HelmChartVersion[] = [];
    for (const raw of Array.isArray(list) ? (list as unknown[]) : []) {
      const entry = readEntry(chart, raw);
      if ('reason' in entry) skipped.push(entry);
      else versions.push(entry);
    }
    entries.set(chart, sortNewestFirst(versions));
  }
  // Helm checks the API version after reading the entries; the result is the same error.
  if (!apiVersion) throw invalid('no API version specified');
  return { apiVersion, generated: scalar(doc.generated), entries, skipped };
}

function safeDisplayIndexUrl(url: string): string {
  try {
    return displayUrl(indexUrl(url));
  } catch {
    return displayUrl(url);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as text; undefined for nulls, mappings and sequences. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return NULL_SCALARS.has(value) ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** One `entries.<chart>[]` item, or why Helm's loader would drop it (`Metadata.Validate`). */
function readEntry(chart: string, raw: unknown): HelmChartVersion | SkippedIndexEntry {
  if (!isObject(raw)) return { chart, version: '', reason: 'empty entry' };
  const version = scalar(raw.version) ?? '';
  const name = scalar(raw.name);
  if (!name) return { chart, version, reason: 'chart.metadata.name is required' };
  if (name.includes('/') || name.includes('\\')) {
    return { chart, version, reason: `chart.metadata.name ${JSON.stringify(name)} is invalid` };
  }
  if (!version) return { chart, version, reason: 'chart.metadata.version is required' };
  if (!parseVersion(version)) {
    return { chart, version, reason: `chart.metadata.version ${JSON.stringify(version)} is invalid` };
  }
  const type = scalar(raw.type) ?? '';
  if (type !== '' && type !== 'application' && type !== 'library') {
    return { chart, version, reason: 'chart.metadata.type must be application or library' };
  }
  const urls = Array.isArray(raw.urls)
    ? (raw.urls as unknown[]).map(scalar).filter((u): u is string => u !== undefined)
    : [];
  const digest = normaliseDigest(scalar(raw.digest));
  return {
    name: chart,
    version,
    urls,
    ...(digest ? { digest } : {}),
    type,
    ...(scalar(raw.created) ? { created: scalar(raw.created) } : {}),
    apiVersion: scalar(raw.apiVersion) ?? 'v1',
    ...(scalar(raw.appVersion) ? { appVersion: scalar(raw.appVersion) } : {}),
  };
}

/** Index digests are bare hex (`helm repo index`); a `sha256:` prefix is accepted too. Anything else is ignored. */
function normaliseDigest(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  return SHA256_HEX.test(hex) ? hex : undefined;
}

function sortNewestFirst(versions: HelmChartVersion[]): HelmChartVersion[] {
  const parsed = versions.map((v) => ({ v, parsed: parseVersion(v.version) }));
  // Array.prototype.sort is stable: equal precedence (e.g. differing build metadata) keeps the index order.
  parsed.sort((a, b) => {
    if (!a.parsed || !b.parsed) return a.parsed ? -1 : b.parsed ? 1 : 0;
    return compareVersions(b.parsed, a.parsed);
  });
  return parsed.map((p) => p.v);
}

// --- Version resolution -----------------------------------------------------------------------------------------

/**
 * Helm's `IndexFile.Get(name, version)`: an entry whose version string equals `version` exactly; otherwise the
 * newest entry satisfying `version` as a Masterminds constraint; `version` empty or omitted means the newest stable
 * (non-prerelease) version. Throws HelmRepositoryError naming the repository, chart and version.
 */
export function resolveChartVersion(
  index: HelmIndex,
  repo: HelmRepositoryRef,
  name: string,
  version?: string,
): HelmChartVersion {
  const wanted = version ?? '';
  const versions = index.entries.get(name);
  const label = repoLabel(repo);
  if (!versions) {
    const names = [...index.entries.keys()].sort();
    const suggestion = closestMatch(name, names);
    throw new HelmRepositoryError({
      message: `chart "${name}" not found in ${label}`,
      repository: repo.name,
      url: displayUrl(repo.url),
      chart: name,
      version: wanted || undefined,
      hint: suggestion
        ? `did you mean "${suggestion}"?`
        : names.length === 0
          ? 'the repository index lists no charts'
          : `the repository has ${names.length} chart${names.length === 1 ? '' : 's'}: ${abbreviate(names, 10)}`,
    });
  }
  if (wanted) {
    const exact = versions.find((v) => v.version === wanted);
    if (exact) return exact;
  }
  let range;
  try {
    range = parseVersionRange(wanted || '*');
  } catch (err) {
    throw new HelmRepositoryError({
      message:
        `chart "${name}" in ${label}: version "${wanted}" is neither a version listed in the index ` +
        `nor a valid constraint (${err instanceof Error ? err.message : String(err)})`,
      repository: repo.name,
      url: displayUrl(repo.url),
      chart: name,
      version: wanted,
      hint: 'use an exact version such as 1.2.3, or a constraint such as ">=1.2.0 <2.0.0" or "~1.2"',
      cause: err,
    });
  }
  for (const candidate of versions) {
    const parsed = parseVersion(candidate.version);
    if (parsed && rangeContains(range, parsed)) return candidate;
  }
  const listed = versions.map((v) => v.version);
  if (!wanted) {
    throw new HelmRepositoryError({
      message:
        versions.length === 0
          ? `chart "${name}" has no versions in ${label}`
          : `chart "${name}" has no stable version in ${label}`,
      repository: repo.name,
      url: displayUrl(repo.url),
      chart: name,
      hint:
        versions.length === 0
          ? 'the repository index lists the chart without any usable version'
          : `all its versions are pre-releases (${abbreviate(listed, 10)}): set the chart's version to one of them`,
    });
  }
  throw new HelmRepositoryError({
    message: `chart "${name}" has no version matching "${wanted}" in ${label}`,
    repository: repo.name,
    url: displayUrl(repo.url),
    chart: name,
    version: wanted,
    hint:
      listed.length === 0
        ? 'the repository index lists the chart without any usable version'
        : `available versions (newest first): ${abbreviate(listed, 10)}`,
  });
}

function abbreviate(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … (${items.length} in all)`;
}

/**
 * What an omitted `charts` list means (oc-mirror `getChartsFromIndex`): every version of every chart whose type is
 * not `library`. Charts sorted by name, versions newest first.
 */
export function listRepositoryCharts(index: HelmIndex): HelmChartSelection[] {
  const out: HelmChartSelection[] = [];
  for (const name of [...index.entries.keys()].sort()) {
    for (const entry of index.entries.get(name) ?? []) {
      if (entry.type !== 'library') out.push({ name, version: entry.version });
    }
  }
  return out;
}

// --- Working-dir files (disk-to-mirror: no network) ---------------------------------------------------------------

/** `<workingDir>/helm/charts`: where every repository chart is downloaded to. */
export function chartsDir(workingDir: string): string {
  return path.join(workingDir, 'helm', 'charts');
}

/** The index stored by `fetchIndex` for this repository (disk-to-mirror reads it instead of the network). */
export async function readStoredIndex(workingDir: string, repo: HelmRepositoryRef | string): Promise<HelmIndex> {
  const ref = typeof repo === 'string' ? { name: repo, url: repo } : repo;
  const file = storePathFor(workingDir, ref);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new HelmRepositoryError({
      message:
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `no stored index for ${repoLabel(ref)}: ${file} does not exist`
          : `cannot read the stored index of ${repoLabel(ref)} from ${file}: ${code ?? String(err)}`,
      repository: ref.name,
      url: displayUrl(ref.url),
      hint:
        'disk-to-mirror reads the index that mirror-to-disk stored under working-dir/helm/indexes/ in the archive: ' +
        'use the same ImageSetConfiguration (same repository URL) for both runs',
      cause: err,
    });
  }
  return parseHelmIndex(text, ref, file);
}

function storePathFor(workingDir: string, repo: HelmRepositoryRef): string {
  try {
    return indexStorePath(workingDir, repo.url);
  } catch (err) {
    throw fromUrlError(err, repo);
  }
}

/**
 * Disk-to-mirror: the archive of chart `name` at `version` in `working-dir/helm/charts/`.
 *
 * When `repository` is given and its index was stored, the version is resolved against that index exactly as
 * mirror-to-disk resolved it (so constraints and an empty version work), and the file is the one mirror-to-disk
 * wrote (the download URL's file name), else `<name>-<version>.tgz` / `<name>-v<version>.tgz`. Without a stored
 * index this is oc-mirror's lookup: the version normalised by Masterminds semver, then `<name>-<ver>.tgz`, then
 * `<name>-v<ver>.tgz` — which needs an exact version.
 */
export async function findStoredChart(
  workingDir: string,
  name: string,
  version: string | undefined,
  options: { repository?: HelmRepositoryRef } = {},
): Promise<string> {
  const repoName = options.repository?.name ?? '';
  if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.includes('\0')) {
    throw new HelmRepositoryError({
      message: `invalid chart name ${JSON.stringify(name)}: it must be a plain file-name component`,
      repository: repoName,
      chart: name,
      version,
    });
  }
  const dir = chartsDir(workingDir);
  const candidates: string[] = [];
  let resolvedVersion: string | undefined;
  if (options.repository) {
    let index: HelmIndex | undefined;
    try {
      index = await readStoredIndex(workingDir, options.repository);
    } catch {
      index = undefined; // not stored (e.g. an archive written by oc-mirror): oc-mirror's lookup below
    }
    if (index) {
      const exact = version ? parseVersion(version) : undefined;
      try {
        const entry = resolveChartVersion(index, options.repository, name, version);
        resolvedVersion = entry.version;
        if (entry.urls[0]) {
          try {
            candidates.push(chartFileName(resolveChartUrl(options.repository.url, entry.urls[0])));
          } catch {
            // an unusable URL was refused by mirror-to-disk too: the names below are all that is left
          }
        }
      } catch (err) {
        // An exact version may still be on disk (the stored index can be older than the archive's charts).
        if (!exact) throw err;
      }
    }
  }
  const normalised = parseVersion(resolvedVersion ?? version ?? '');
  if (!normalised) {
    throw new HelmRepositoryError({
      message:
        `chart "${name}"${options.repository ? ` of ${repoLabel(options.repository)}` : ''}: ` +
        `version ${JSON.stringify(version ?? '')} is not an exact version, so its archive cannot be found offline`,
      repository: repoName,
      url: options.repository ? displayUrl(options.repository.url) : undefined,
      chart: name,
      version,
      hint:
        'without the stored repository index, disk-to-mirror finds charts by exact version only: ' +
        'set the chart version in the ImageSetConfiguration to the version mirror-to-disk downloaded',
    });
  }
  const canonical = formatVersion(normalised);
  for (const candidate of [`${name}-${canonical}.tgz`, `${name}-v${canonical}.tgz`]) {
    if (!candidates.includes(candidate)) candidates.push(candidate);
  }
  for (const candidate of candidates) {
    const file = path.join(dir, candidate);
    try {
      if ((await stat(file)).isFile()) return file;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new HelmRepositoryError({
          message: `cannot check chart file ${file}: ${code ?? String(err)}`,
          repository: repoName,
          chart: name,
          version,
          cause: err,
        });
      }
    }
  }
  throw new HelmRepositoryError({
    message: `chart file not found for ${name} version ${version || canonical}: tried ${candidates.join(', ')} in ${dir}`,
    repository: repoName,
    url: options.repository ? displayUrl(options.repository.url) : undefined,
    chart: name,
    version,
    hint:
      'disk-to-mirror reads the charts that mirror-to-disk downloaded (working-dir/helm/charts/ in the archive): ' +
      'use the same ImageSetConfiguration for both runs',
  });
}

function fromUrlError(err: unknown, repo: HelmRepositoryRef, chart?: string, version?: string): unknown {
  if (!(err instanceof HelmUrlError)) return err;
  return new HelmRepositoryError({
    message: `${chart ? `chart "${chart}"${version ? ` version ${version}` : ''} of ` : ''}helm repository "${repo.name}": ${err.message}`,
    repository: repo.name,
    chart,
    version,
    hint: err.hint,
    cause: err,
  });
}

// --- HTTP ---------------------------------------------------------------------------------------------------------

/** What a request is for, to build messages. */
interface RequestContext {
  repo: HelmRepositoryRef;
  /** `the index of helm repository "x"` / `chart "c" version 1.0.0 from helm repository "x"` */
  what: string;
  /** The URL requested first, for messages (no credentials, no query). */
  url: string;
  chart?: string;
  version?: string;
}

/** A non-2xx answer, carried out of an attempt so the retry loop can judge it. */
class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly url: URL,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The repository host's credentials, and the `host[:port]` they may be sent to. */
interface RepositoryAuth {
  host: string;
  authorization?: string;
}

export class HelmRepositoryClient {
  private readonly http: HttpDispatchers;
  private readonly retry: RetrySettings;
  private readonly onRetry?: HelmRepositoryClientOptions['onRetry'];
  private readonly timeoutMs: number;
  private readonly credentials?: HelmCredentialSource;
  private readonly userAgent: string;
  private readonly maxIndexBytes: number;
  private readonly maxChartBytes: number;
  private readonly auth = new Map<string, Promise<RepositoryAuth>>();

  constructor(options: HelmRepositoryClientOptions) {
    this.retry = options.retry ?? { times: 5, delayMs: 0 };
    this.onRetry = options.onRetry;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.credentials = options.credentials;
    this.userAgent = options.userAgent ?? 'ocm-tui';
    this.maxIndexBytes = options.maxIndexBytes ?? 512 * 1024 * 1024;
    this.maxChartBytes = options.maxChartBytes ?? 1024 * 1024 * 1024;
    this.http = new HttpDispatchers({
      tlsVerify: options.tlsVerify ?? true,
      certDir: options.certDir,
      env: { ...options.env },
      connections: 4,
    });
  }

  /**
   * Downloads, parses and stores the repository's index (atomically, as received) at
   * `working-dir/helm/indexes/<host>/<path>/index.yaml`. Throws HelmRepositoryError, or CancelledError.
   */
  async fetchIndex(repo: HelmRepositoryRef, workingDir: string, signal: AbortSignal): Promise<HelmIndex> {
    let url: URL;
    let file: string;
    try {
      url = indexUrl(repo.url);
      file = indexStorePath(workingDir, repo.url);
    } catch (err) {
      throw fromUrlError(err, repo);
    }
    const context: RequestContext = { repo, what: `the index of helm repository "${repo.name}"`, url: displayUrl(url) };
    const body = await this.withRetries(context, signal, async () => {
      const { res } = await this.open(url, repo, signal, { 'accept-encoding': 'gzip' });
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      const stream: Readable = encoding === 'gzip' || encoding === 'x-gzip' ? res.body.pipe(createGunzip()) : res.body;
      if (stream !== res.body) res.body.on('error', (err) => stream.destroy(err));
      try {
        return await readCapped(stream, this.maxIndexBytes, false);
      } finally {
        if (!res.body.destroyed) res.body.destroy();
      }
    });
    const index = parseHelmIndex(body.toString('utf8'), repo, displayUrl(url));
    await writeAtomically(file, body).catch((err: unknown) => {
      throw new HelmRepositoryError({
        message: `cannot store the index of ${repoLabel(repo)} at ${file}: ${(err as { code?: string }).code ?? String(err)}`,
        repository: repo.name,
        url: displayUrl(url),
        hint: 'check that the working directory is writable and has free space',
        cause: err,
      });
    });
    return index;
  }

  /** {@link resolveChartVersion}: Helm's version resolution on a fetched index. */
  resolveChart(index: HelmIndex, repo: HelmRepositoryRef, name: string, version?: string): HelmChartVersion {
    return resolveChartVersion(index, repo, name, version);
  }

  /**
   * Downloads `entry.urls[0]` (relative URLs against the repository) to `working-dir/helm/charts/<file name>`,
   * verifying the index digest when there is one. A file already there with that digest is kept as is.
   */
  async downloadChart(
    repo: HelmRepositoryRef,
    entry: HelmChartVersion,
    workingDir: string,
    signal: AbortSignal,
  ): Promise<DownloadedChart> {
    const about = `chart "${entry.name}" version ${entry.version} from ${repoLabel(repo)}`;
    if (!entry.urls[0]) {
      throw new HelmRepositoryError({
        message: `${about} has no download URL in the index`,
        repository: repo.name,
        url: displayUrl(repo.url),
        chart: entry.name,
        version: entry.version,
        hint: 'the repository index is incomplete: report it to the repository owner',
      });
    }
    let url: URL;
    let fileName: string;
    try {
      parseRepositoryUrl(repo.url);
      url = resolveChartUrl(repo.url, entry.urls[0]);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new HelmUrlError(
          `the chart URL ${displayUrl(url)} has scheme ${url.protocol.slice(0, -1)}: only http and https are supported`,
        );
      }
      fileName = chartFileName(url);
    } catch (err) {
      throw fromUrlError(err, repo, entry.name, entry.version);
    }
    const dir = chartsDir(workingDir);
    const dest = path.join(dir, fileName);
    if (entry.digest) {
      const existing = await hashFile(dest).catch(() => undefined);
      if (existing && existing.hex === entry.digest) {
        return { path: dest, digest: `sha256:${existing.hex}`, size: existing.size, verified: true, reused: true };
      }
    }
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw writeError(err, about, dir, repo, entry);
    }
    const shown = displayUrl(url);
    const context: RequestContext = {
      repo,
      what: `chart "${entry.name}" version ${entry.version} from helm repository "${repo.name}"`,
      url: shown,
      chart: entry.name,
      version: entry.version,
    };
    const result = await this.withRetries(context, signal, async () => {
      const { res } = await this.open(url, repo, signal, {});
      const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
      const hash = createHash('sha256');
      let size = 0;
      const max = this.maxChartBytes;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > max) {
            callback(new OcmError('RESPONSE_TOO_LARGE', `the chart is larger than ${max} bytes`));
            return;
          }
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(res.body, meter, createWriteStream(tmp, { mode: 0o644 }), { signal });
        const expectedLength = Number(res.headers['content-length']);
        if (Number.isFinite(expectedLength) && res.headers['content-length'] !== undefined && size !== expectedLength) {
          throw new OcmError('TRUNCATED', `the body ended after ${size} of ${expectedLength} bytes`);
        }
      } catch (err) {
        await rm(tmp, { force: true });
        if (!res.body.destroyed) res.body.destroy();
        if ((err as { code?: string }).code === 'RESPONSE_TOO_LARGE' || isFileSystemError(err)) {
          throw new HelmRepositoryError({
            message: isFileSystemError(err)
              ? `cannot write ${about} to ${tmp}: ${(err as { code?: string }).code}`
              : `${about}: ${(err as Error).message} (${shown})`,
            repository: repo.name,
            url: shown,
            chart: entry.name,
            version: entry.version,
            hint: isFileSystemError(err)
              ? 'check that the working directory is writable and has free space'
              : 'check that the index points at a chart archive',
            cause: err,
          });
        }
        throw err;
      }
      return { tmp, hex: hash.digest('hex'), size };
    });
    if (entry.digest && result.hex !== entry.digest) {
      await rm(result.tmp, { force: true });
      throw new HelmRepositoryError({
        message:
          `${about} does not match the index digest: expected sha256:${entry.digest}, ` +
          `got sha256:${result.hex} (${shown}); the file was not kept`,
        repository: repo.name,
        url: shown,
        chart: entry.name,
        version: entry.version,
        hint:
          'the chart archive differs from what the repository index lists (a re-published chart, a stale index, ' +
          'or a proxy that altered the download): try again later, or report it to the repository owner',
      });
    }
    try {
      await rename(result.tmp, dest);
    } catch (err) {
      await rm(result.tmp, { force: true });
      throw writeError(err, about, dest, repo, entry);
    }
    return {
      path: dest,
      digest: `sha256:${result.hex}`,
      size: result.size,
      verified: entry.digest !== undefined,
      reused: false,
    };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  // --- internals ---

  private repositoryAuth(repo: HelmRepositoryRef): Promise<RepositoryAuth> {
    let answer = this.auth.get(repo.url);
    if (!answer) {
      answer = this.lookUpAuth(repo);
      this.auth.set(repo.url, answer);
      answer.catch(() => this.auth.delete(repo.url));
    }
    return answer;
  }

  private async lookUpAuth(repo: HelmRepositoryRef): Promise<RepositoryAuth> {
    const url = parseRepositoryUrl(repo.url);
    const host = url.host;
    const fromUrl = splitUserInfo(url).authorization;
    if (fromUrl) return { host, authorization: fromUrl };
    if (!this.credentials) return { host };
    let credential;
    try {
      credential = await this.credentials.get(host);
    } catch (err) {
      throw new HelmRepositoryError({
        message: `cannot look up credentials for ${repoLabel(repo)}: ${err instanceof OcmError ? err.message : 'credential lookup failed'}`,
        repository: repo.name,
        url: displayUrl(url),
        hint: err instanceof OcmError ? err.hint : 'check the auth file and credential helpers for this host',
        cause: err,
      });
    }
    if (credential && 'username' in credential) {
      return { host, authorization: basicAuthorization(credential.username, credential.password) };
    }
    return { host };
  }

  /** GET with redirects. Returns a 2xx response whose body the caller must consume; otherwise throws. */
  private async open(
    start: URL,
    repo: HelmRepositoryRef,
    signal: AbortSignal,
    extraHeaders: Record<string, string>,
  ): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    const auth = await this.repositoryAuth(repo);
    let { url, authorization } = splitUserInfo(start);
    if (!authorization && url.host === auth.host) authorization = auth.authorization;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...extraHeaders };
      if (authorization) headers.authorization = authorization;
      const res = await request(url, {
        method: 'GET',
        headers,
        signal,
        dispatcher: this.http.forUrl(url),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      if (REDIRECT_STATUSES.has(res.statusCode) && hops < MAX_REDIRECTS) {
        const location = res.headers.location;
        await discard(res.body);
        const target = Array.isArray(location) ? location[0] : location;
        if (!target) throw new HttpStatusFailure(res.statusCode, url, undefined);
        const next = new URL(target, url);
        // Credentials were given for the repository's host only; another origin never sees them.
        if (next.origin !== url.origin) authorization = undefined;
        const split = splitUserInfo(next);
        url = split.url;
        if (split.authorization) authorization = split.authorization;
        continue;
      }
      if (res.statusCode < 200 || res.statusCode > 299) {
        await discard(res.body);
        throw new HttpStatusFailure(res.statusCode, url, parseRetryAfter(res.headers['retry-after']));
      }
      return { res, url };
    }
  }

  private async withRetries<T>(
    context: RequestContext,
    signal: AbortSignal,
    attempt: (n: number) => Promise<T>,
  ): Promise<T> {
    const maxAttempts = this.retry.times + 1;
    for (let n = 1; ; n++) {
      if (signal.aborted) throw new CancelledError();
      let failure: HelmRepositoryError;
      let retryAfterMs: number | undefined;
      try {
        return await attempt(n);
      } catch (err) {
        if (signal.aborted) throw new CancelledError();
        if (err instanceof HelmRepositoryError) throw err;
        if (err instanceof HttpStatusFailure) {
          retryAfterMs = err.retryAfterMs;
          failure = this.statusError(err, context);
        } else {
          failure = this.transportError(err, context);
        }
      }
      if (!failure.temporary || n >= maxAttempts) {
        if (n === 1) throw failure;
        throw new HelmRepositoryError({
          message: `${failure.message} (after ${n} attempts)`,
          repository: failure.repository,
          url: failure.url,
          chart: failure.chart,
          version: failure.version,
          status: failure.status,
          temporary: failure.temporary,
          hint: failure.hint,
          cause: failure.cause,
        });
      }
      const delayMs = retryDelay(n, this.retry, retryAfterMs);
      this.onRetry?.({ attempt: n + 1, maxAttempts, delayMs, reason: failure.message });
      await sleep(delayMs, signal);
    }
  }

  private statusError(failure: HttpStatusFailure, context: RequestContext): HelmRepositoryError {
    const { status } = failure;
    const url = displayUrl(failure.url);
    const reason = STATUS_CODES[status] ?? '';
    const isIndex = context.chart === undefined;
    let hint: string;
    if (status === 404 || status === 410) {
      hint = isIndex
        ? 'check the repository URL: it must be the directory that holds index.yaml (e.g. ' +
          'https://charts.example.com/stable/, or the index.yaml URL itself); OCI registries are not supported'
        : 'the index lists a chart file the server does not have: the repository index may be stale';
    } else if (status === 401 || status === 403) {
      const host = failure.url.host;
      hint =
        `the repository refused the request: if it needs credentials, give them in the repository URL ` +
        `(https://user:password@${host}/…) or log in to ${host} (e.g. podman login ${host})`;
    } else if (isTemporaryStatus(status)) {
      hint = 'the repository server is unavailable or busy: try again later';
    } else {
      hint = 'check the repository URL and any proxy in between (HTTPS_PROXY, NO_PROXY)';
    }
    return new HelmRepositoryError({
      message: `cannot download ${context.what} (${url}): HTTP ${status}${reason ? ` ${reason}` : ''}`,
      repository: context.repo.name,
      url,
      chart: context.chart,
      version: context.version,
      status,
      temporary: isTemporaryStatus(status),
      hint,
    });
  }

  private transportError(err: unknown, context: RequestContext): HelmRepositoryError {
    const code = errorCode(err);
    let detail: string;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      detail = `no data for ${formatDuration(this.timeoutMs)}`;
    } else if (code === 'RESPONSE_TOO_LARGE') {
      detail = `the index is larger than ${this.maxIndexBytes} bytes`;
    } else if (code) {
      detail = code;
    } else {
      detail = err instanceof Error ? err.message : String(err);
    }
    const url = context.url;
    let hint =
      'check network access to the repository and the proxy settings (HTTPS_PROXY, NO_PROXY); a disconnected ' +
      'host mirrors with mirror-to-disk elsewhere and disk-to-mirror here';
    if (isTlsCertificateError(err)) {
      hint = 'the repository certificate is not trusted: add its CA to --cert-dir, or use --src-tls-verify=false';
    } else if (isTlsProtocolError(err)) {
      hint = 'the server does not speak TLS at that port: check whether the repository URL should be http://';
    } else if (code === 'RESPONSE_TOO_LARGE') {
      hint = 'check that the URL points at a Helm chart repository';
    }
    return new HelmRepositoryError({
      message: `cannot download ${context.what} (${url}): ${detail}`,
      repository: context.repo.name,
      url,
      chart: context.chart,
      version: context.version,
      temporary: isTemporaryNetworkError(err),
      hint,
      cause: err,
    });
  }
}

/** An error of our own file (it names a path); socket errors never do. */
function isFileSystemError(err: unknown): boolean {
  return typeof (err as { path?: unknown } | undefined)?.path === 'string';
}

function writeError(
  err: unknown,
  about: string,
  where: string,
  repo: HelmRepositoryRef,
  entry: HelmChartVersion,
): HelmRepositoryError {
  return new HelmRepositoryError({
    message: `cannot write ${about} to ${where}: ${(err as { code?: string }).code ?? String(err)}`,
    repository: repo.name,
    url: displayUrl(repo.url),
    chart: entry.name,
    version: entry.version,
    hint: 'check that the working directory is writable and has free space',
    cause: err,
  });
}

/** Writes `file` through a temp file in the same directory and a rename: readers never see half a file. */
async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function hashFile(file: string): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    size += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { hex: hash.digest('hex'), size };
}
