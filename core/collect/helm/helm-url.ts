/**
 * URLs of a Helm chart repository (collectors.md §3.2): where its `index.yaml` is, how a chart's `urls[0]` becomes a
 * download URL, which file name a download gets, and where the index is kept in the working dir.
 *
 * - Index: `<repo>/index.yaml`, joined as Helm's `repo.ResolveReferenceURL(url, "index.yaml")` does (the repository
 *   URL is a directory, with or without its trailing slash). A URL that already ends in `/index.yaml` is used as
 *   given. oc-mirror concatenates instead (`https://host/repo` → `https://host/repoindex.yaml`); that is not
 *   reproduced (docs/decisions.md, "Helm repositories").
 * - Chart: `urls[0]` as is when absolute; otherwise resolved against the repository directory, whose query string
 *   replaces the reference's (Helm), except that a reference's own query survives when the repository URL has none.
 * - File name: the percent-decoded last path segment of the download URL (Helm `filepath.Base(u.Path)`).
 *
 * Everything here is pure: no network, no file system.
 */
import path from 'node:path';
import { OcmError } from '../../errors.js';

/** A repository or chart URL that cannot be used; the message never contains credentials. */
export class HelmUrlError extends OcmError {
  constructor(message: string, hint?: string) {
    super('HELM_URL', message, { hint });
  }
}

/** `scheme:` at the start: Go's `url.IsAbs()` for a reference. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The repository URL as a WHATWG URL (fragment dropped). Only `http:` and `https:` repositories exist for Helm's
 * index-based client; `oci://` chart registries have no index.yaml.
 */
export function parseRepositoryUrl(text: string): URL {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new HelmUrlError(
      `helm repository URL "${redactText(trimmed)}" is not a valid URL`,
      'write the repository URL in full, e.g. https://charts.example.com/stable/',
    );
  }
  if (url.protocol === 'oci:') {
    throw new HelmUrlError(
      `helm repository URL ${displayUrl(url)} is an OCI registry: only index-based chart repositories are supported`,
      'oc-mirror v2 needs an index.yaml too; list charts of an OCI registry as local charts (helm pull first) instead',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HelmUrlError(
      `helm repository URL ${redactText(trimmed)} has scheme ${url.protocol.slice(0, -1)}: only http and https are supported`,
    );
  }
  url.hash = '';
  return url;
}

function endsWithIndexFile(pathname: string): boolean {
  return pathname.endsWith('/index.yaml');
}

function withTrailingSlash(pathname: string): string {
  return pathname.endsWith('/') ? pathname : `${pathname}/`;
}

/** Where the repository's index is: `<repo>/index.yaml` (query kept), or the URL itself when it names index.yaml. */
export function indexUrl(repoUrl: string): URL {
  const url = parseRepositoryUrl(repoUrl);
  if (!endsWithIndexFile(url.pathname)) url.pathname = `${withTrailingSlash(url.pathname)}index.yaml`;
  return url;
}

/** The repository as a directory (trailing slash, query kept): the base of relative chart URLs. */
export function repositoryBaseUrl(repoUrl: string): URL {
  const url = parseRepositoryUrl(repoUrl);
  url.pathname = endsWithIndexFile(url.pathname)
    ? url.pathname.slice(0, -'index.yaml'.length)
    : withTrailingSlash(url.pathname);
  return url;
}

/**
 * The download URL of a chart whose index entry lists `ref` first (Helm `ResolveReferenceURL`). Percent-encoding
 * in `ref` is kept as written. Credentials in the repository URL carry over to relative references (same origin).
 */
export function resolveChartUrl(repoUrl: string, ref: string): URL {
  const trimmed = ref.trim();
  if (trimmed === '') throw new HelmUrlError('the chart URL in the index is empty');
  if (ABSOLUTE.test(trimmed)) {
    try {
      return new URL(trimmed);
    } catch {
      throw new HelmUrlError(`the chart URL "${redactText(trimmed)}" in the index is not a valid URL`);
    }
  }
  const base = repositoryBaseUrl(repoUrl);
  let resolved: URL;
  try {
    resolved = new URL(trimmed, base);
  } catch {
    throw new HelmUrlError(`the chart URL "${redactText(trimmed)}" in the index cannot be resolved`);
  }
  if (base.search) resolved.search = base.search;
  resolved.hash = '';
  return resolved;
}

/**
 * The file name a chart download is saved under: the last segment of the decoded path (Helm saves to
 * `filepath.Base(u.Path)`). Throws when the URL names a directory.
 */
export function chartFileName(chartUrl: URL): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(chartUrl.pathname);
  } catch {
    decoded = chartUrl.pathname;
  }
  const name = path.posix.basename(decoded);
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) {
    throw new HelmUrlError(`the chart URL ${displayUrl(chartUrl)} has no file name`);
  }
  return name;
}

/**
 * `<workingDir>/helm/indexes/<host>/<path>/index.yaml`: where the repository's index is stored (and read back by
 * disk-to-mirror). `<host>` includes a non-default port; `<path>` is the index URL's directory, segments as they
 * appear in the URL (percent-encoded, so no segment can climb out of the directory).
 */
export function indexStorePath(workingDir: string, repoUrl: string): string {
  const url = indexUrl(repoUrl);
  const segments = url.pathname
    .split('/')
    .slice(0, -1)
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  return path.join(workingDir, 'helm', 'indexes', url.host, ...segments, 'index.yaml');
}

/** A URL for messages: scheme, host and path only (no credentials, no query: it may carry a token). */
export function displayUrl(url: URL | string): string {
  let parsed: URL;
  if (typeof url === 'string') {
    try {
      parsed = new URL(url);
    } catch {
      return redactText(url);
    }
  } else {
    parsed = url;
  }
  // A URL without a host (`user:secret@x` parses as scheme `user:`) is shown as text, credentials hidden.
  if (!parsed.host) return redactText(`${parsed.protocol}${parsed.pathname}`);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** A URL without its `user:password@`, and the Basic authorization those credentials make (Go's http client). */
export function splitUserInfo(url: URL): { url: URL; authorization?: string } {
  if (!url.username && !url.password) return { url };
  const clean = new URL(url);
  clean.username = '';
  clean.password = '';
  return { url: clean, authorization: basicAuthorization(safeDecode(url.username), safeDecode(url.password)) };
}

/** `Basic base64(user:password)`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Text that may not parse as a URL: everything up to its last `@` before the path is hidden. */
function redactText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}
