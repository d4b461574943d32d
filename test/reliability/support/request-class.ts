/**
 * Classifies registry API requests for the reliability fault proxy, so rules and counters can speak of
 * "blob GET of sha256:…" or "mount POST" instead of URL patterns.
 *
 * API (stable; imported by other reliability suites):
 *   type PathClass = 'ping' | 'manifest' | 'blob' | 'mount' | 'claim' | 'tags' | 'catalog' | 'token' | 'other'
 *   interface ClassifiedRequest { pathClass; repository?; digest?; reference?; upload: boolean }
 *   classifyRequest(method: string, pathAndQuery: string): ClassifiedRequest
 *   TOKEN_PATH_PREFIX: the path under which the proxy relays the token realm
 *
 * Class 'blob' covers blob reads (GET/HEAD `/blobs/<digest>`) and uploads (POST `/blobs/uploads/` opens a
 * session, PATCH sends a chunk, PUT `?digest=` commits, DELETE cancels; `upload: true`). A POST with
 * `?mount=` is class 'mount', counted apart from real uploads — except a mount from the repository itself,
 * class 'claim': how ocm-tui asks whether a blob is there and opens its upload session in one request
 * (`RegistryClient.claimBlob`). `digest` is the blob a request is about
 * when the request says it (path, `digest=` or `mount=`); PATCH and the session-opening POST do not.
 */

/** What part of the registry API a request addresses. */
export type PathClass = 'ping' | 'manifest' | 'blob' | 'mount' | 'claim' | 'tags' | 'catalog' | 'token' | 'other';

export interface ClassifiedRequest {
  pathClass: PathClass;
  /** Repository name (for token requests: of the first `scope`). */
  repository?: string;
  /** Blob digest the request is about, when it names one. */
  digest?: string;
  /** Manifest tag or digest. */
  reference?: string;
  /** True for the requests of an upload session (POST/PATCH/PUT/DELETE under `/blobs/uploads/`). */
  upload: boolean;
}

/** The fault proxy relays the registry's token realm under this path (see fault-proxy.ts). */
export const TOKEN_PATH_PREFIX = '/__token__';

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function classifyRequest(method: string, pathAndQuery: string): ClassifiedRequest {
  const url = new URL(pathAndQuery, 'http://proxy.invalid');
  const path = url.pathname;
  if (path === TOKEN_PATH_PREFIX || path.startsWith(`${TOKEN_PATH_PREFIX}/`)) {
    const scope = url.searchParams.getAll('scope')[0] ?? '';
    const repository = /^repository:([^:]+):/.exec(scope)?.[1];
    return { pathClass: 'token', repository, upload: false };
  }
  if (path === '/v2/' || path === '/v2') return { pathClass: 'ping', upload: false };
  if (path === '/v2/_catalog') return { pathClass: 'catalog', upload: false };
  if (!path.startsWith('/v2/')) return { pathClass: 'other', upload: false };
  const rest = path.slice('/v2/'.length);

  const uploads = /^(.+)\/blobs\/uploads(?:\/.*)?$/.exec(rest);
  if (uploads) {
    const repository = uploads[1];
    const mount = url.searchParams.get('mount');
    if (method === 'POST' && mount) {
      const pathClass = url.searchParams.get('from') === repository ? 'claim' : 'mount';
      return { pathClass, repository, digest: mount, upload: false };
    }
    const digest = url.searchParams.get('digest') ?? undefined;
    return { pathClass: 'blob', repository, digest, upload: true };
  }
  const blob = /^(.+)\/blobs\/([^/]+)$/.exec(rest);
  if (blob && DIGEST.test(blob[2])) return { pathClass: 'blob', repository: blob[1], digest: blob[2], upload: false };
  const manifest = /^(.+)\/manifests\/([^/]+)$/.exec(rest);
  if (manifest) {
    const reference = manifest[2];
    return {
      pathClass: 'manifest',
      repository: manifest[1],
      reference,
      digest: DIGEST.test(reference) ? reference : undefined,
      upload: false,
    };
  }
  const tags = /^(.+)\/tags\/list$/.exec(rest);
  if (tags) return { pathClass: 'tags', repository: tags[1], upload: false };
  return { pathClass: 'other', upload: false };
}
