/**
 * A client for ONE OCI registry host (`host[:port]`) over undici 7: /v2/ ping and auth, manifests
 * (exact bytes kept), blobs streamed and verified in both directions, cross-repository mounts, tag and
 * catalog listing, deletes. Every call retries temporary failures with backoff (honouring Retry-After),
 * has timeouts, and stops when its AbortSignal fires. Errors are RegistryErrors that say which side,
 * registry, operation and reference failed, with a hint; credentials never appear in them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import type { Hash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { CancelledError, DigestMismatchError, OcmError, RegistryError, type Side } from '../errors.js';
import { DigestVerifier, digestLike, digestOf, isDigest } from '../digest.js';
import type { BlobInfo, Manifest, OpenedBlob, UploadSession } from '../store/image-store.js';
import { Authenticator, scopes } from './authenticator.js';
import type { CredentialStore } from './credentials.js';
import { HttpDispatchers } from './http-agent.js';
import { nextPageUrl } from './link-header.js';
import { MANIFEST_ACCEPT, detectMediaType, isSchema1MediaType, schema1Error } from './media-types.js';
import { discard, readCapped } from './read-body.js';
import {
  describeOperation,
  httpError,
  MAX_ERROR_BODY_BYTES,
  networkError,
  protocolError,
  type OperationContext,
} from './registry-errors.js';
import { ResumableDownload, type BodySource } from './resumable-download.js';
import {
  isTemporaryNetworkError,
  isTlsProtocolError,
  markRetriesExhausted,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetrySettings,
} from './retry-policy.js';
import { StallGuard } from './stall-guard.js';
import { TokenCache } from './token-cache.js';

export interface RetryInfo {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
}

export interface RegistryClientOptions {
  side: Side;
  /** false: skip certificate verification AND allow plain http (https tried first, like skopeo). */
  tlsVerify: boolean;
  /** Directory of `*.crt` CA certificates added to the trust store (`--src-cert-dir` / `--dest-cert-dir`). */
  certDir?: string;
  /** Undefined = anonymous. */
  credentials?: CredentialStore;
  /** `--retry-times` / `--retry-delay` (0 = exponential 1s, 2s, 4s… capped at 30s, with jitter). */
  retry: RetrySettings;
  /** Time to wait for response headers, per request. @default 60000 */
  requestTimeoutMs?: number;
  /** A body that delivers nothing this long (while we wait for it) is treated as cut. @default 60000 */
  idleTimeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
  /** @default 'ocm-tui' */
  userAgent?: string;
  /** Connections per origin (parallel blob transfers each hold one). @default 16 */
  connections?: number;
  /** Environment for HTTP(S)_PROXY / NO_PROXY. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Size of one PATCH when monolithic uploads are refused. @default 16 MiB */
  chunkSizeBytes?: number;
}

export interface BlobTransferOptions {
  signal: AbortSignal;
  onBytes?: (n: number) => void;
  /**
   * putBlob: an upload session opened ahead with {@link RegistryClient.startBlobUpload} (while the source was
   * being opened), used instead of opening one.
   */
  upload?: Promise<URL>;
}

export interface OpenBlobOptions extends BlobTransferOptions {
  /** Start at this byte (the caller already holds the bytes before it). Requires `resumeHash`. */
  offset?: number;
  /** Hash state of the bytes before `offset` (same algorithm as the digest), so the end is still verified. */
  resumeHash?: Hash;
}

type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

interface SendRequest {
  ctx: OperationContext;
  method: Method;
  /** A path (`/v2/…`) relative to the registry, or an absolute URL (upload locations, next pages). */
  target: string | URL;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  scopes: string[];
  /** Statuses handed back to the caller; anything else becomes a RegistryError. */
  expect: number[];
  signal: AbortSignal;
  /** Retry temporary failures. @default true */
  retry?: boolean;
  /** Follow 30x (blob GET/HEAD to storage back-ends). */
  followRedirects?: boolean;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  url: URL;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
/** distribution refuses manifests over 4 MiB; anything much larger is not a manifest. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_LIST_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses with which a registry refuses a monolithic PUT upload; then we upload in chunks. */
const MONOLITHIC_REFUSED = new Set([405, 413, 501]);
/** Answers to a self-mount that mean the registry does not take the query (anything else is about the request). */
const SELF_MOUNT_UNSUPPORTED = new Set([400, 404, 405, 501]);
/** Our own stream watchdog errors: failures of the transfer, reported like network errors. */
const STREAM_FAILURE_CODES = new Set(['IDLE_TIMEOUT', 'TRUNCATED']);
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const REPOSITORY_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export class RegistryClient {
  /** The registry as the user wrote it (`quay.io`, `127.0.0.1:5000`). */
  readonly host: string;
  readonly side: Side;
  /** Where the API really lives (`docker.io` → `registry-1.docker.io`). */
  private readonly apiHost: string;
  private readonly dockerHub: boolean;
  private readonly options: RegistryClientOptions;
  private readonly http: HttpDispatchers;
  private readonly auth: Authenticator;
  private readonly requestTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly userAgent: string;
  private readonly lifetime = new AbortController();
  private base?: Promise<URL>;
  /** Set once the registry refused a monolithic upload: later uploads go in chunks. */
  private chunkedUploads = false;
  /** Whether claims ({@link claimBlob}) can be trusted on this registry; see there. */
  private selfMount: 'unknown' | 'probing' | 'trusted' | 'refused' = 'unknown';

  constructor(host: string, options: RegistryClientOptions) {
    this.host = host;
    this.side = options.side;
    this.options = options;
    this.dockerHub = DOCKER_HUB_NAMES.has(host.toLowerCase());
    this.apiHost = this.dockerHub ? 'registry-1.docker.io' : host;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'ocm-tui';
    this.http = new HttpDispatchers({
      tlsVerify: options.tlsVerify,
      certDir: options.certDir,
      connections: options.connections,
      env: options.env,
    });
    this.auth = new Authenticator({
      registry: host,
      credentials: options.credentials,
      tokens: new TokenCache(),
      http: this.http,
      userAgent: this.userAgent,
      requestTimeoutMs: this.requestTimeoutMs,
    });
  }

  /** Checks `/v2/` (once per client; later calls reuse the answer). Returns the base URL and auth scheme. */
  async ping(signal: AbortSignal): Promise<{ url: string; authScheme: string }> {
    const ctx = this.ctx('ping');
    const base = await this.withRetries(ctx, signal, () => this.ready(signal));
    return { url: base.href, authScheme: this.auth.scheme };
  }

  /**
   * An authenticated `GET /v2/` (oc-mirror's destination access check, spec §2.8): the registry is reachable
   * AND accepts the credentials. ping() alone takes a 401 as "reachable", so wrong credentials only showed up
   * later, image by image.
   */
  async checkAccess(signal: AbortSignal): Promise<void> {
    const res = await this.send({
      ctx: this.ctx('check access'),
      method: 'GET',
      target: '/v2/',
      scopes: [],
      expect: [200],
      signal,
    });
    await discard(res.body);
  }

  async getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    const repo = this.repo(repository);
    checkReference(reference);
    const ctx = this.ctx('get manifest', repository, reference);
    const res = await this.send({
      ctx,
      method: 'GET',
      target: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scopes.pull(repo)],
      expect: [200],
      signal,
    });
    let bytes: Buffer;
    try {
      bytes = await readCapped(res.body, MAX_MANIFEST_BYTES, false);
    } catch (err) {
      if (signal.aborted) throw new CancelledError();
      if (err instanceof OcmError) throw protocolError(ctx, `manifest larger than ${MAX_MANIFEST_BYTES} bytes`);
      throw networkError(ctx, err, this.idleTimeoutMs);
    }
    const mediaType = detectMediaType(bytes, header(res.headers, 'content-type'));
    if (isSchema1MediaType(mediaType))
      throw schema1Error(`${this.side} registry ${this.host}: ${describeOperation(ctx)}`);
    let digest = digestOf(bytes);
    if (isDigest(reference)) {
      const actual = digestLike(reference, bytes);
      if (actual !== reference) {
        throw new DigestMismatchError(reference, actual, `manifest ${this.host}/${repository}@${reference}`);
      }
      digest = reference;
    }
    return { bytes, mediaType, digest };
  }

  /** Digest, media type and size without the body; undefined when the manifest (or repository) does not exist. */
  async headManifest(
    repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const repo = this.repo(repository);
    checkReference(reference);
    const ctx = this.ctx('check manifest', repository, reference);
    const res = await this.send({
      ctx,
      method: 'HEAD',
      target: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [scopes.pull(repo)],
      expect: [200, 404],
      signal,
    });
    await discard(res.body);
    if (res.status === 404) return undefined;
    const headerDigest = header(res.headers, 'docker-content-digest');
    const mediaType = (header(res.headers, 'content-type') ?? '').split(';')[0].trim();
    const size = Number(header(res.headers, 'content-length'));
    const digest = isDigest(reference) ? reference : headerDigest;
    if (!digest || !isDigest(digest) || !mediaType || !Number.isFinite(size)) {
      // Some registries leave these out of HEAD answers: the body tells us everything.
      const m = await this.getManifest(repository, reference, signal);
      return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
    }
    if (isSchema1MediaType(mediaType))
      throw schema1Error(`${this.side} registry ${this.host}: ${describeOperation(ctx)}`);
    return { digest, mediaType, size };
  }

  /** Stores the exact bytes under `reference` (a tag, or the manifest's own digest). */
  async putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    const repo = this.repo(repository);
    checkReference(reference);
    const ctx = this.ctx('push manifest', repository, reference);
    const actual = digestLike(manifest.digest, manifest.bytes);
    if (actual !== manifest.digest)
      throw new DigestMismatchError(manifest.digest, actual, `manifest for ${repository}`);
    if (isDigest(reference) && reference !== manifest.digest) {
      throw new DigestMismatchError(reference, manifest.digest, `manifest pushed by digest to ${repository}`);
    }
    const res = await this.send({
      ctx,
      method: 'PUT',
      target: `/v2/${repo}/manifests/${reference}`,
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
      scopes: [scopes.push(repo)],
      expect: [201, 200, 202],
      signal,
    });
    await discard(res.body);
    const stored = header(res.headers, 'docker-content-digest');
    if (stored && stored.startsWith('sha256:') && manifest.digest.startsWith('sha256:') && stored !== manifest.digest) {
      throw protocolError(
        ctx,
        `the registry stored the manifest as ${stored} instead of ${manifest.digest}`,
        'DIGEST_CHANGED',
      );
    }
  }

  async deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void> {
    const repo = this.repo(repository);
    if (!isDigest(digest)) throw new TypeError(`deleteManifest needs a digest, got ${digest.slice(0, 80)}`);
    const ctx = this.ctx('delete manifest', repository, digest);
    const res = await this.send({
      ctx,
      method: 'DELETE',
      target: `/v2/${repo}/manifests/${digest}`,
      scopes: [scopes.delete(repo)],
      expect: [202, 200],
      signal,
    });
    await discard(res.body);
  }

  /** Size of the blob in `repository`, or undefined when it is not there. */
  async headBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    const repo = this.repo(repository);
    const ctx = this.ctx('check blob', repository, digest);
    const res = await this.send({
      ctx,
      method: 'HEAD',
      target: `/v2/${repo}/blobs/${digest}`,
      scopes: [scopes.pull(repo)],
      expect: [200, 404],
      signal,
      followRedirects: true,
    });
    await discard(res.body);
    if (res.status === 404) return undefined;
    const size = Number(header(res.headers, 'content-length'));
    if (!Number.isFinite(size)) throw protocolError(ctx, 'the registry gave no Content-Length for the blob');
    return size;
  }

  /**
   * Streams a blob. The stream fails with DigestMismatchError at its end if the bytes are wrong, and
   * transparently continues with a Range request when the connection is cut or stalls (each restart
   * uses one retry). Redirects to storage back-ends are followed without the registry's Authorization.
   */
  async openBlob(repository: string, digest: string, options: OpenBlobOptions): Promise<OpenedBlob> {
    const repo = this.repo(repository);
    const ctx = this.ctx('pull blob', repository, digest);
    const offset = options.offset ?? 0;
    if (offset > 0 && !options.resumeHash) {
      throw new TypeError('openBlob: an offset needs resumeHash (the hash of the bytes before it)');
    }
    const first = await this.openBlobAt(ctx, repo, digest, offset, options.signal, true);
    const size = first.size;
    const download = new ResumableDownload({
      first: first.source,
      start: offset,
      size,
      reopen: async (from, signal) => (await this.openBlobAt(ctx, repo, digest, from, signal, false)).source,
      idleTimeoutMs: this.idleTimeoutMs,
      maxRestarts: this.options.retry.times,
      delayMs: (n) => retryDelay(n, this.options.retry),
      canRestart: (err) =>
        err instanceof RegistryError
          ? err.temporary
          : isTemporaryNetworkError(err) ||
            (err instanceof OcmError && ['IDLE_TIMEOUT', 'TRUNCATED'].includes(err.code)),
      // Restarts spend the same --retry-times budget: an exhausted download is not retried again above.
      finalError: (err) =>
        markRetriesExhausted(
          err instanceof RegistryError || err instanceof CancelledError
            ? err
            : networkError(ctx, err, this.idleTimeoutMs),
        ),
      onRestart: (info) =>
        this.options.onRetry?.({
          attempt: info.attempt,
          maxAttempts: info.maxAttempts,
          delayMs: info.delayMs,
          reason: `${describeOperation(ctx)}: ${info.reason}; resuming at byte ${info.offset}`,
        }),
      signal: options.signal,
    });
    const verifier = new DigestVerifier(digest, {
      where: `blob ${digest} from ${this.host}/${repository}`,
      expectedSize: size,
      resumeHash: options.resumeHash,
      resumeOffset: offset,
      onBytes: options.onBytes,
    });
    // Errors of either stage surface on `verifier`; destroying it (consumer gave up) stops the download.
    pipeline(download, verifier, () => undefined);
    return { stream: verifier, size };
  }

  /**
   * Uploads a blob: POST for an upload session, then one monolithic PUT streaming `body` (verified on the
   * way). A streamed body cannot be replayed, so a failed PUT is not retried here: the RegistryError
   * says `temporary` and the caller retries with a new stream. A registry that refuses monolithic
   * uploads (405/413/501) switches this client to chunked PATCH uploads for the next attempt.
   */
  async putBlob(repository: string, blob: BlobInfo, body: Readable, options: BlobTransferOptions): Promise<void> {
    const repo = this.repo(repository);
    const ctx = this.ctx('push blob', repository, blob.digest);
    const verifier = new DigestVerifier(blob.digest, {
      where: `blob ${blob.digest} for ${this.host}/${repository}`,
      expectedSize: blob.size,
      onBytes: options.onBytes,
      upstreamVerified: DigestVerifier.covers(body, blob.digest),
    });
    if (this.chunkedUploads) {
      options.upload?.then((early) => this.cancelUpload(ctx, repo, early)).catch(() => undefined);
      return this.putBlobChunked(ctx, repo, blob, body, verifier, options.signal);
    }

    let location: URL;
    try {
      location = await (options.upload ?? this.startUpload(ctx, repo, options.signal));
    } catch (err) {
      body.destroy(); // the body is ours to consume: an unread source would hold its connection open
      throw err;
    }
    const guard = new StallGuard(this.idleTimeoutMs);
    const piped = new Promise<Error | undefined>((resolve) => {
      pipeline(body, verifier, guard, (err) => resolve(err ?? undefined));
    });
    let res: Response;
    try {
      res = await this.send({
        ctx,
        method: 'PUT',
        target: withQuery(location, { digest: blob.digest }),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        body: guard,
        scopes: [scopes.push(repo)],
        expect: [201, 204],
        signal: options.signal,
        retry: false,
      });
    } catch (err) {
      guard.destroy();
      const local = await piped;
      void this.cancelUpload(ctx, repo, location);
      // The source (another registry, a file) or the content failed: that is the error to report.
      if (local instanceof RegistryError || local instanceof DigestMismatchError || local instanceof CancelledError) {
        throw local;
      }
      throw this.uploadFailure(ctx, err);
    }
    await discard(res.body);
    const local = await piped;
    if (local) throw local instanceof OcmError ? local : networkError(ctx, local);
    await this.probeSelfMount(repo, blob.digest, options.signal);
  }

  /**
   * Opens an upload session now (POST), for a putBlob that will follow as soon as the source is open: the
   * round trip then overlaps the source's instead of following it. `abandon` cancels a session that will not
   * be used (the source failed).
   */
  startBlobUpload(repository: string, digest: string, signal: AbortSignal): UploadSession {
    const repo = this.repo(repository);
    const ctx = this.ctx('push blob', repository, digest);
    const upload = this.startUpload(ctx, repo, signal);
    upload.catch(() => undefined);
    return this.session(ctx, repo, upload);
  }

  /**
   * Asks whether `repository` already holds a blob and, when it does not, opens its upload session — in one
   * request instead of a HEAD and a POST: a mount of the blob from the repository itself
   * (`POST …/blobs/uploads/?mount=<digest>&from=<repository>`). 201 means the blob is there (`'exists'`); 202
   * is an upload session.
   *
   * A 202 proves nothing by itself: the spec lets a registry answer 202 to any mount it cannot or will not do,
   * and some ignore the query (or, like ECR, refuse mounts of blobs no manifest references yet). So the claim
   * is used only once this registry has answered 201 for a blob known to be there: the first upload this
   * client completes is followed by a self-mount of that very blob ({@link probeSelfMount}). Until then, and
   * for good when the answer was anything else, this returns undefined and the caller asks with a HEAD.
   */
  async claimBlob(
    repository: string,
    digest: string,
    signal: AbortSignal,
  ): Promise<'exists' | UploadSession | undefined> {
    if (this.selfMount !== 'trusted') return undefined;
    const repo = this.repo(repository);
    const ctx = this.ctx('push blob', repository, digest);
    let res: Response;
    try {
      res = await this.send(this.selfMountRequest(ctx, repo, digest, signal));
    } catch (err) {
      // A temporary failure (after its retries) is the blob's failure, as a failed HEAD would be.
      if (!(err instanceof RegistryError) || err.temporary || err.status === undefined) throw err;
      // Anything else the HEAD and the ordinary POST will report for themselves, if it is not about the query.
      if (SELF_MOUNT_UNSUPPORTED.has(err.status)) this.selfMount = 'refused';
      return undefined;
    }
    await discard(res.body);
    if (res.status === 201) return 'exists';
    return this.uploadSession(ctx, repo, res);
  }

  /**
   * After the first completed upload: does this registry answer a self-mount of a blob it holds with 201?
   * Only then are claims trusted. One request per client; anything but 201 leaves claims off.
   */
  private async probeSelfMount(repo: string, digest: string, signal: AbortSignal): Promise<void> {
    if (this.selfMount !== 'unknown') return;
    // Awaited by the upload that triggers it: distribution re-writes the blob's link file for a mount, in
    // place, and the manifest that references the blob is pushed next; reading a half-written link fails that push.
    this.selfMount = 'probing';
    const ctx = this.ctx('check mount support', repo, digest);
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    try {
      const res = await this.send({
        ...this.selfMountRequest(ctx, repo, digest, AbortSignal.any([timeout, this.lifetime.signal, signal])),
        retry: false,
      });
      await discard(res.body);
      if (res.status === 201) {
        this.selfMount = 'trusted';
        return;
      }
      this.selfMount = 'refused';
      this.uploadSession(ctx, repo, res)?.abandon();
    } catch {
      this.selfMount = signal.aborted ? 'unknown' : 'refused';
    }
  }

  /** What the self-mount check found (settled once the upload that ran it has returned); for tests. */
  selfMountSupport(): 'unknown' | 'trusted' | 'refused' {
    return this.selfMount === 'probing' ? 'unknown' : this.selfMount;
  }

  private selfMountRequest(ctx: OperationContext, repo: string, digest: string, signal: AbortSignal): SendRequest {
    return {
      ctx,
      method: 'POST',
      target: `/v2/${repo}/blobs/uploads/?${new URLSearchParams({ mount: digest, from: repo })}`,
      headers: { 'content-length': '0' },
      scopes: [scopes.push(repo)],
      expect: [201, 202],
      signal,
    };
  }

  /** The upload session a 202 opened (undefined without a Location: a broken answer, nothing to cancel). */
  private uploadSession(ctx: OperationContext, repo: string, res: Response): UploadSession | undefined {
    const location = header(res.headers, 'location');
    return location ? this.session(ctx, repo, Promise.resolve(new URL(location, res.url))) : undefined;
  }

  /** An upload session at `upload`; abandoning it cancels the upload once (if ever) it was opened. */
  private session(ctx: OperationContext, repo: string, upload: Promise<URL>): UploadSession {
    return {
      upload,
      abandon: () => {
        upload.then((location) => this.cancelUpload(ctx, repo, location)).catch(() => undefined);
      },
    };
  }

  /**
   * Makes a blob of `fromRepository` (same registry) available in `repository` without moving bytes.
   * False when the registry declines (it then opened an upload session, which is cancelled).
   */
  async mountBlob(repository: string, digest: string, fromRepository: string, signal: AbortSignal): Promise<boolean> {
    const repo = this.repo(repository);
    const from = this.repo(fromRepository);
    const ctx = { ...this.ctx('mount blob', repository, digest), fromRepository };
    let res: Response;
    try {
      res = await this.send({
        ctx,
        method: 'POST',
        target: `/v2/${repo}/blobs/uploads/?${new URLSearchParams({ mount: digest, from })}`,
        headers: { 'content-length': '0' },
        scopes: [scopes.push(repo), scopes.pull(from)],
        expect: [201, 202],
        signal,
      });
    } catch (err) {
      // No access to the source repository, or no mount support: the caller uploads instead.
      if (err instanceof RegistryError && err.status !== undefined && err.status >= 400 && err.status < 500)
        return false;
      throw err;
    }
    await discard(res.body);
    if (res.status === 201) return true;
    const location = header(res.headers, 'location');
    if (location) void this.cancelUpload(ctx, repo, new URL(location, res.url));
    return false;
  }

  /** Every tag of `repository`, following `Link` pagination. */
  async listTags(repository: string, signal: AbortSignal, pageSize?: number): Promise<string[]> {
    const repo = this.repo(repository);
    const ctx = this.ctx('list tags', repository);
    const query = pageSize ? `?n=${pageSize}` : '';
    return this.listPaged(ctx, `/v2/${repo}/tags/list${query}`, [scopes.pull(repo)], 'tags', signal);
  }

  /** Every repository of the registry (`/v2/_catalog`), following `Link` pagination. */
  async catalog(signal: AbortSignal, pageSize?: number): Promise<string[]> {
    const ctx = this.ctx('list repositories');
    const query = pageSize ? `?n=${pageSize}` : '';
    return this.listPaged(ctx, `/v2/_catalog${query}`, [scopes.catalog], 'repositories', signal);
  }

  /** Closes the connection pools; the client is unusable afterwards. */
  async close(): Promise<void> {
    this.lifetime.abort();
    await this.http.close();
  }

  // ---------------------------------------------------------------------------------------------

  private ctx(operation: string, repository?: string, reference?: string): OperationContext {
    return { side: this.side, registry: this.host, operation, repository, reference };
  }

  /** Validated repository path, with Docker Hub's implicit `library/`. */
  private repo(repository: string): string {
    if (!REPOSITORY_PATTERN.test(repository)) {
      throw new OcmError(
        'INVALID_REFERENCE',
        `invalid repository name "${repository.slice(0, 200)}" for ${this.host}`,
        {
          hint: 'repository names are lower-case path components separated by "/"',
        },
      );
    }
    return this.dockerHub && !repository.includes('/') ? `library/${repository}` : repository;
  }

  /** Base URL after the /v2/ ping: https, or http when TLS verification is off and https fails. */
  private ready(signal: AbortSignal): Promise<URL> {
    if (!this.base) {
      const detecting = this.detect();
      this.base = detecting;
      detecting.catch(() => {
        if (this.base === detecting) this.base = undefined;
      });
    }
    return raceAbort(this.base, signal);
  }

  private async detect(): Promise<URL> {
    const ctx = this.ctx('ping');
    const schemes = this.options.tlsVerify ? ['https'] : ['https', 'http'];
    const failures: unknown[] = [];
    for (const scheme of schemes) {
      const base = new URL(`${scheme}://${this.apiHost}`);
      let res: Dispatcher.ResponseData;
      try {
        res = await this.raw(new URL('/v2/', base), 'GET', {}, undefined, this.lifetime.signal);
      } catch (err) {
        if (this.lifetime.signal.aborted) throw new CancelledError('registry client closed');
        failures.push(err);
        continue;
      }
      if (res.statusCode === 200 || res.statusCode === 401) {
        if (res.statusCode === 401) this.auth.learn(res.headers['www-authenticate']);
        await discard(res.body);
        return base;
      }
      const errorBody = await readCapped(res.body, MAX_ERROR_BODY_BYTES, true).catch(() => undefined);
      throw httpError(ctx, res.statusCode, errorBody, parseRetryAfter(res.headers['retry-after']));
    }
    // With https and http both failing, the https failure explains more, unless the server plainly speaks http.
    const chosen = failures.length > 1 && isTlsProtocolError(failures[0]) ? failures[1] : failures[0];
    throw networkError(ctx, chosen, this.requestTimeoutMs);
  }

  /** One undici request, no retries, no auth. */
  private raw(
    url: URL,
    method: Method,
    headers: Record<string, string>,
    body: Buffer | Readable | undefined,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    return request(url, {
      method,
      headers: { 'user-agent': this.userAgent, ...headers },
      body,
      signal,
      dispatcher: this.http.forUrl(url),
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.idleTimeoutMs,
      // undici closes the connection after every HEAD (undici#258, servers that send a body anyway). Registries
      // answer HEAD correctly, and a mirror run sends hundreds of existence checks: keep the connection.
      ...(method === 'HEAD' ? { reset: false } : {}),
    });
  }

  /** The timeout an error is about, for its message. */
  private timeoutFor(err: unknown): number {
    const code = err instanceof OcmError ? err.code : (err as { code?: unknown } | undefined)?.code;
    return code === 'IDLE_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? this.idleTimeoutMs : this.requestTimeoutMs;
  }

  /** Runs `fn` with the retry policy; `fn` throws RegistryErrors (or raw network errors). */
  private async withRetries<T>(
    ctx: OperationContext,
    signal: AbortSignal,
    fn: (attempt: number) => Promise<T>,
    retry = true,
  ): Promise<T> {
    const maxAttempts = retry ? this.options.retry.times + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        return await fn(attempt);
      } catch (err) {
        if (signal.aborted) throw new CancelledError();
        failure = isTransportFailure(err) ? networkError(ctx, err, this.timeoutFor(err)) : err;
      }
      // A cancellation we did not ask for (a shared ping whose owner closed) is not retried either.
      if (!(failure instanceof RegistryError) || !failure.temporary) throw failure;
      if (attempt >= maxAttempts) throw retry && maxAttempts > 1 ? markRetriesExhausted(failure) : failure;
      const delayMs = retryDelay(attempt, this.options.retry, failure.retryAfterMs);
      this.options.onRetry?.({ attempt: attempt + 1, maxAttempts, delayMs, reason: failure.message });
      await sleep(delayMs, signal);
    }
  }

  /** A request with auth, 401 refresh, redirects and retries; returns only `expect`ed statuses. */
  private send(req: SendRequest): Promise<Response> {
    const replayable = !(req.body && !Buffer.isBuffer(req.body));
    return this.withRetries(
      req.ctx,
      req.signal,
      async () => {
        const res = await this.exchange(req, replayable);
        if (req.expect.includes(res.status)) return res;
        const errorBody =
          req.method === 'HEAD'
            ? undefined
            : await readCapped(res.body, MAX_ERROR_BODY_BYTES, true).catch(() => undefined);
        if (req.method === 'HEAD') await discard(res.body);
        throw httpError(req.ctx, res.status, errorBody, parseRetryAfter(res.headers['retry-after']));
      },
      req.retry !== false && replayable,
    );
  }

  private async exchange(req: SendRequest, replayable: boolean): Promise<Response> {
    const base = await this.ready(req.signal);
    let url = typeof req.target === 'string' ? new URL(req.target, base) : req.target;
    let method = req.method;
    let body = req.body;
    const authFor = (target: URL) =>
      target.origin === base.origin ? this.auth.header(req.ctx, req.scopes, req.signal) : Promise.resolve(undefined);
    let authorization = await authFor(url);
    let refreshed = false;
    for (let hops = 0; ;) {
      const headers: Record<string, string> = { ...req.headers };
      if (authorization) headers.authorization = authorization;
      const res = await this.raw(url, method, headers, body, req.signal);
      if (res.statusCode === 401 && !refreshed && replayable && url.origin === base.origin) {
        refreshed = true;
        if (await this.auth.refresh(req.ctx, res.headers['www-authenticate'], req.scopes, authorization)) {
          await discard(res.body);
          authorization = await authFor(url);
          continue;
        }
      }
      if (req.followRedirects && REDIRECT_STATUSES.has(res.statusCode)) {
        const location = header(res.headers, 'location');
        await discard(res.body);
        if (!location) throw protocolError(req.ctx, `redirect (${res.statusCode}) without a Location`);
        if (++hops > MAX_REDIRECTS) throw protocolError(req.ctx, `more than ${MAX_REDIRECTS} redirects`);
        url = new URL(location, url);
        if (res.statusCode === 303) {
          method = 'GET';
          body = undefined;
        }
        // The registry's credentials are for the registry: a storage back-end on another host never sees them.
        authorization = url.origin === base.origin ? await authFor(url) : undefined;
        continue;
      }
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    }
  }

  /** GET of a blob from `from` (Range when > 0): the body positioned at `from`, and the blob's size. */
  private async openBlobAt(
    ctx: OperationContext,
    repo: string,
    digest: string,
    from: number,
    signal: AbortSignal,
    retry: boolean,
  ): Promise<{ source: BodySource; size: number }> {
    const res = await this.send({
      ctx,
      method: 'GET',
      target: `/v2/${repo}/blobs/${digest}`,
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
      scopes: [scopes.pull(repo)],
      expect: [200, 206],
      signal,
      retry,
      followRedirects: true,
    });
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(res.headers, 'content-range') ?? '');
      if (!m || Number(m[1]) !== from || m[3] === '*') {
        await discard(res.body);
        throw protocolError(ctx, `unusable Content-Range for a request from byte ${from}`);
      }
      return { source: { body: res.body, skip: 0 }, size: Number(m[3]) };
    }
    const length = Number(header(res.headers, 'content-length'));
    if (!Number.isFinite(length) || header(res.headers, 'content-length') === undefined) {
      await discard(res.body);
      throw protocolError(ctx, 'the registry sent the blob without a Content-Length');
    }
    // A server that ignores Range sends everything: drop what we already have.
    return { source: { body: res.body, skip: from }, size: length };
  }

  private async startUpload(ctx: OperationContext, repo: string, signal: AbortSignal): Promise<URL> {
    const res = await this.send({
      ctx,
      method: 'POST',
      target: `/v2/${repo}/blobs/uploads/`,
      headers: { 'content-length': '0' },
      scopes: [scopes.push(repo)],
      expect: [202],
      signal,
    });
    await discard(res.body);
    const location = header(res.headers, 'location');
    if (!location) throw protocolError(ctx, 'the registry opened an upload without a Location');
    return new URL(location, res.url);
  }

  private async putBlobChunked(
    ctx: OperationContext,
    repo: string,
    blob: BlobInfo,
    body: Readable,
    verifier: DigestVerifier,
    signal: AbortSignal,
  ): Promise<void> {
    const chunkSize = this.options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE;
    let location: URL;
    try {
      location = await this.startUpload(ctx, repo, signal);
    } catch (err) {
      body.destroy();
      throw err;
    }
    const verified = body.pipe(verifier);
    body.once('error', (err) => verifier.destroy(err));
    const onAbort = () => verifier.destroy(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    let offset = 0;
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const sendChunk = async (chunk: Buffer) => {
      const res = await this.send({
        ctx,
        method: 'PATCH',
        target: location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.length),
          'content-range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        scopes: [scopes.push(repo)],
        expect: [202, 204],
        signal,
      });
      await discard(res.body);
      const next = header(res.headers, 'location');
      if (next) location = new URL(next, res.url);
      offset += chunk.length;
    };
    try {
      for await (const piece of verified) {
        pending.push(piece as Buffer);
        pendingBytes += (piece as Buffer).length;
        while (pendingBytes >= chunkSize) {
          const all = Buffer.concat(pending, pendingBytes);
          pending.length = 0;
          pending.push(all.subarray(chunkSize));
          pendingBytes = all.length - chunkSize;
          await sendChunk(all.subarray(0, chunkSize));
        }
      }
      if (pendingBytes > 0) await sendChunk(Buffer.concat(pending, pendingBytes));
      // Every byte arrived and matched the digest (the verifier ran at the end of the loop): commit.
      const res = await this.send({
        ctx,
        method: 'PUT',
        target: withQuery(location, { digest: blob.digest }),
        headers: { 'content-length': '0' },
        scopes: [scopes.push(repo)],
        expect: [201, 204],
        signal,
      });
      await discard(res.body);
      await this.probeSelfMount(repo, blob.digest, signal);
    } catch (err) {
      verified.destroy();
      body.destroy();
      void this.cancelUpload(ctx, repo, location);
      if (signal.aborted) throw new CancelledError();
      if (err instanceof OcmError) throw err;
      throw networkError(ctx, err, this.idleTimeoutMs);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The error of a failed monolithic PUT, switching to chunked uploads when the registry refused it. */
  private uploadFailure(ctx: OperationContext, err: unknown): unknown {
    if (!(err instanceof RegistryError) || err.status === undefined || !MONOLITHIC_REFUSED.has(err.status)) return err;
    this.chunkedUploads = true;
    return err.withMessage(`${err.message} (monolithic upload refused; the next attempt uploads in chunks)`, true);
  }

  /** Best effort: tells the registry to drop an upload session we abandon. */
  private async cancelUpload(ctx: OperationContext, repo: string, location: URL): Promise<void> {
    try {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.requestTimeoutMs);
      const res = await this.send({
        ctx: { ...ctx, operation: 'cancel upload' },
        method: 'DELETE',
        target: location,
        scopes: [scopes.push(repo)],
        expect: [204, 200, 202, 404],
        signal: controller.signal,
        retry: false,
      }).finally(() => clearTimeout(timer));
      await discard(res.body);
    } catch {
      // The registry expires abandoned uploads on its own.
    }
  }

  private async listPaged(
    ctx: OperationContext,
    first: string,
    wanted: string[],
    field: 'tags' | 'repositories',
    signal: AbortSignal,
  ): Promise<string[]> {
    const out: string[] = [];
    const seen = new Set<string>();
    let target: string | URL | undefined = first;
    while (target !== undefined) {
      const key = target.toString();
      if (seen.has(key)) break; // a server that links a page to itself must not loop us forever
      seen.add(key);
      const res = await this.send({ ctx, method: 'GET', target, scopes: wanted, expect: [200], signal });
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse((await readCapped(res.body, MAX_LIST_BYTES, false)).toString('utf8')) as Record<
          string,
          unknown
        >;
      } catch (err) {
        if (signal.aborted) throw new CancelledError();
        throw err instanceof SyntaxError || err instanceof OcmError
          ? protocolError(ctx, `unreadable ${field} list`)
          : networkError(ctx, err, this.idleTimeoutMs);
      }
      const items = doc[field];
      if (Array.isArray(items)) for (const item of items) if (typeof item === 'string') out.push(item);
      target = nextPageUrl(res.headers.link, res.url);
    }
    return out;
  }
}

/** A failure of the connection or body rather than an error we raised on purpose. */
function isTransportFailure(err: unknown): boolean {
  return !(err instanceof OcmError) || STREAM_FAILURE_CODES.has(err.code);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function checkReference(reference: string): void {
  if (!TAG_PATTERN.test(reference) && !isDigest(reference) && !/^[a-z0-9]+:[a-f0-9]{32,}$/.test(reference)) {
    throw new OcmError('INVALID_REFERENCE', `invalid tag or digest "${reference.slice(0, 200)}"`);
  }
}

function withQuery(url: URL, params: Record<string, string>): URL {
  const out = new URL(url);
  for (const [k, v] of Object.entries(params)) out.searchParams.set(k, v);
  return out;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
