/**
 * The local cache: Docker Distribution's filesystem layout written directly, without a registry process
 * (`../../shared/spec/core.md` §3.8). A stock `docker-registry` whose storage root is this directory serves
 * every image stored here, and the archive ships the same tree.
 *
 *   docker/registry/v2/blobs/<alg>/<hh>/<hex>/data                 content (layers, configs and manifests)
 *   docker/registry/v2/repositories/<repo>/_layers/<alg>/<hex>/link
 *   docker/registry/v2/repositories/<repo>/_manifests/revisions/<alg>/<hex>/link
 *   docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/current/link
 *   docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/index/<alg>/<hex>/link
 *
 * Every file becomes visible by rename from `<root>/.ocm-tmp/` (same filesystem, outside the tree the
 * registry and the archive read), so a crash never leaves a partial `data` or link behind. Several
 * processes may share one cache: a blob written twice at once is renamed twice over identical bytes.
 *
 * Files are not fsynced: this is a cache, and every read checks what it returns (blobs stream through a
 * DigestVerifier, manifests are hashed, a blob whose size differs from its descriptor counts as absent),
 * so what a power failure can do — lose recent entries or leave them short — costs a re-download, never
 * wrong content. Syncing each blob cost a full disk write inside every transfer (docs/decisions.md).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addAbortSignal } from 'node:stream';
import { DigestVerifier, digestLike, isDigest } from '../digest.js';
import { createBlobFileStream, SequentialFileWriter } from '../direct-io/sequential-file-writer.js';
import { DigestMismatchError, OcmError, RegistryError } from '../errors.js';
import { detectMediaType, parseManifest } from '../registry/media-types.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions } from './image-store.js';

/** Read size for blob files: 64 KiB reads cost more kernel time than the copying; 20 transfers × 1 MiB cost memory. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Distribution refuses bigger manifests (4 MiB); so do we, which also bounds what is read into memory. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Repository path grammar of distribution (`reference.NameRegexp` path components). */
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** See {@link CacheStore.openBlobWriter}. */
export interface CacheBlobWriter {
  write(buf: Buffer): Promise<void>;
  /** Renames the complete, verified file into place. */
  commit(): Promise<void>;
  /** Removes the temp file (safe to call after a failed commit). */
  abort(): Promise<void>;
}

/** Outcome of {@link CacheStore.garbageCollect}. */
export interface GarbageCollectResult {
  blobsDeleted: number;
  bytesFreed: number;
  blobsKept: number;
}

export class CacheStore implements ImageStore {
  readonly description: string;
  /** `<cache-dir>/.oc-mirror/.cache` */
  readonly root: string;
  private readonly v2: string;
  private readonly tmpDir: string;
  private tmpReady?: Promise<unknown>;
  /**
   * Blobs this process wrote into the cache after checking their digest (putBlob, archive extraction). Read
   * back in the same run for a destination that checks digests itself (disk to mirror pushing what it just
   * extracted into a registry), they are not hashed a second time; for any other reader they are.
   */
  private readonly verifiedHere = new Set<string>();

  /** @param root the cache root, `<cache-dir>/.oc-mirror/.cache` (the registry's storage rootdirectory). */
  constructor(root: string) {
    this.root = root;
    this.v2 = join(root, 'docker', 'registry', 'v2');
    this.tmpDir = join(root, '.ocm-tmp');
    this.description = `cache ${root}`;
  }

  /** Records blobs whose `data` this process wrote after checking them (see `verifiedHere`). */
  noteVerified(digests: Iterable<string>): void {
    for (const d of digests) this.verifiedHere.add(d);
  }

  /** Absolute path of the `data` file of a blob (present or not). */
  blobPath(digest: string): string {
    const { algorithm, hex } = splitDigest(digest);
    return join(this.v2, 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
  }

  /** Directory of a repository inside the cache. */
  repositoryPath(repository: string): string {
    checkRepository(repository);
    return join(this.v2, 'repositories', ...repository.split('/'));
  }

  // ---------------------------------------------------------------- blobs

  /**
   * Size of the blob when its `data` is present in the cache's global blob store. The repository link is
   * not required: any repository can use a present blob, and putManifest links what a manifest refers to.
   */
  async hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    checkRepository(repository);
    signal.throwIfAborted();
    return this.blobSize(digest);
  }

  /** Size of the blob's `data` file in the global blob store, whichever repositories link it. */
  blobSize(digest: string): Promise<number | undefined> {
    return fileSize(this.blobPath(digest));
  }

  async openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    checkRepository(repository);
    options.signal.throwIfAborted();
    const path = this.blobPath(digest);
    const size = await fileSize(path);
    if (size === undefined) throw this.notFound('read blob', repository, digest, 'BLOB_UNKNOWN');
    const verifier = new DigestVerifier(digest, {
      where: `blob ${digest} in ${this.description}`,
      expectedSize: size,
      onBytes: options.onBytes,
      trusted: options.destinationVerifies === true && this.verifiedHere.has(digest),
    });
    const source = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    // The caller consumes (or destroys) the verifier; pipeline then closes the file either way.
    pipeline(source, verifier).catch(() => undefined);
    addAbortSignal(options.signal, verifier);
    return { stream: verifier, size };
  }

  /**
   * Streams the blob into a temp file while hashing it, checks digest and size, then renames it to `data`.
   * When `data` is already present with the right size the body is discarded and only the link is written.
   */
  async putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    checkRepository(repository);
    const path = this.blobPath(blob.digest);
    const present = await fileSize(path);
    if (present !== undefined && (blob.size < 0 || present === blob.size)) {
      body.destroy();
      await this.linkLayer(repository, blob.digest);
      return;
    }
    const tmp = await this.tempPath('blob');
    const verifier = new DigestVerifier(blob.digest, {
      where: `blob ${blob.digest} for ${repository} in ${this.description}`,
      expectedSize: blob.size >= 0 ? blob.size : undefined,
      onBytes: options.onBytes,
      upstreamVerified: DigestVerifier.covers(body, blob.digest),
    });
    try {
      await pipeline(body, verifier, createBlobFileStream(tmp, blob.size >= 0 ? blob.size : undefined), {
        signal: options.signal,
      });
      if (blob.size >= 0 && verifier.bytesSeen !== blob.size) {
        throw new DigestMismatchError(
          blob.digest,
          `${verifier.bytesSeen} bytes instead of ${blob.size}`,
          `blob ${blob.digest} for ${repository} in ${this.description}`,
        );
      }
      await mkdir(dirname(path), { recursive: true });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    // Bytes that went through a hashing stage (ours, or the source's verifier) are verified.
    this.verifiedHere.add(blob.digest);
    await this.linkLayer(repository, blob.digest);
  }

  /**
   * A blob's `data` file written piece by piece by a caller that verifies the bytes itself (disk to mirror
   * copies a blob from the archive while it pushes it): pieces go to a temp file, `commit` — to be called only
   * once the caller checked the digest — renames it into place; `abort` removes it.
   */
  async openBlobWriter(digest: string, size: number): Promise<CacheBlobWriter> {
    const path = this.blobPath(digest);
    const tmp = await this.tempPath('blob');
    const file = await SequentialFileWriter.create(tmp, size);
    return {
      write: (buf: Buffer) => file.write(buf),
      commit: async () => {
        const written = file.bytesWritten;
        await file.finish();
        if (written !== size) {
          await rm(tmp, { force: true });
          throw new DigestMismatchError(
            digest,
            `${written} bytes instead of ${size}`,
            `blob ${digest} in ${this.description}`,
          );
        }
        await mkdir(dirname(path), { recursive: true });
        await rename(tmp, path);
        this.verifiedHere.add(digest);
      },
      abort: async () => {
        await file.close().catch(() => undefined);
        await rm(tmp, { force: true });
      },
    };
  }

  /** A blob present in the global store is "mounted" by writing the repository's layer link. */
  async mountBlob(repository: string, digest: string, fromRepository: string, signal: AbortSignal): Promise<boolean> {
    checkRepository(repository);
    checkRepository(fromRepository);
    signal.throwIfAborted();
    if ((await fileSize(this.blobPath(digest))) === undefined) return false;
    await this.linkLayer(repository, digest);
    return true;
  }

  // ---------------------------------------------------------------- manifests

  async getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    signal.throwIfAborted();
    const digest = await this.resolve(repository, reference);
    if (!digest) throw this.notFound('get manifest', repository, reference, 'MANIFEST_UNKNOWN');
    const bytes = await this.readManifestBlob(repository, reference, digest);
    return { bytes, digest, mediaType: detectMediaType(bytes, undefined) };
  }

  async headManifest(
    repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    signal.throwIfAborted();
    const digest = await this.resolve(repository, reference);
    if (!digest) return undefined;
    const size = await fileSize(this.blobPath(digest));
    if (size === undefined) return undefined;
    // The media type lives inside the document (as in distribution), so HEAD reads the small file too.
    const bytes = await this.readManifestBlob(repository, reference, digest);
    return { digest, size, mediaType: detectMediaType(bytes, undefined) };
  }

  /**
   * Stores the manifest bytes as a blob, links its revision and, for a tag, points the tag at it.
   * Like distribution, an image manifest is only accepted when its config and layers are present (they
   * get linked into the repository); an index may be sparse (children filtered by platform are absent).
   */
  async putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    checkRepository(repository);
    signal.throwIfAborted();
    const where = `${repository}:${reference} in ${this.description}`;
    if (!isDigest(manifest.digest)) {
      throw new OcmError('MANIFEST_INVALID', `${where}: "${manifest.digest}" is not a digest`);
    }
    const actual = digestLike(manifest.digest, manifest.bytes);
    if (actual !== manifest.digest) throw new DigestMismatchError(manifest.digest, actual, `manifest ${where}`);
    const isTag = !isDigest(reference);
    if (isTag) checkTag(reference);
    else if (reference !== manifest.digest) {
      throw new OcmError('MANIFEST_INVALID', `${where}: manifest digest is ${manifest.digest}, not the reference`);
    }
    if (manifest.bytes.length > MAX_MANIFEST_BYTES) {
      throw new OcmError('MANIFEST_INVALID', `${where}: manifest of ${manifest.bytes.length} bytes exceeds 4 MiB`);
    }
    const parsed = parseManifest(manifest.bytes, detectMediaType(manifest.bytes, manifest.mediaType), where);
    if (parsed.kind === 'image') {
      for (const d of [parsed.config, ...parsed.layers]) {
        if (d.urls && d.urls.length > 0) continue; // foreign layer: never stored in a registry
        if ((await fileSize(this.blobPath(d.digest))) === undefined) {
          throw new RegistryError({
            message: `cannot store manifest ${manifest.digest} for ${repository}: blob ${d.digest} is not in ${this.description}`,
            registry: this.description,
            operation: 'put manifest',
            reference: `${repository}@${manifest.digest}`,
            status: 400,
            registryCode: 'MANIFEST_BLOB_UNKNOWN',
            temporary: false,
          });
        }
        await this.linkLayer(repository, d.digest);
      }
    }
    const blobPath = this.blobPath(manifest.digest);
    if ((await fileSize(blobPath)) !== manifest.bytes.length) await this.writeAtomic(blobPath, manifest.bytes);
    const repoDir = this.repositoryPath(repository);
    await this.writeLink(
      join(repoDir, '_manifests', 'revisions', ...digestDirs(manifest.digest), 'link'),
      manifest.digest,
    );
    if (isTag) {
      const tagDir = join(repoDir, '_manifests', 'tags', reference);
      await this.writeLink(join(tagDir, 'index', ...digestDirs(manifest.digest), 'link'), manifest.digest);
      await this.writeLink(join(tagDir, 'current', 'link'), manifest.digest);
    }
  }

  /** Removes the revision and every tag whose current link points at it (distribution's DELETE semantics). */
  async deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const repoDir = this.repositoryPath(repository);
    const revisionDir = join(repoDir, '_manifests', 'revisions', ...digestDirs(digest));
    if ((await readLink(join(revisionDir, 'link'))) !== digest) {
      throw this.notFound('delete manifest', repository, digest, 'MANIFEST_UNKNOWN');
    }
    const tagsDir = join(repoDir, '_manifests', 'tags');
    for (const tag of await listDir(tagsDir)) {
      if ((await readLink(join(tagsDir, tag, 'current', 'link'))) === digest) {
        await rm(join(tagsDir, tag), { recursive: true, force: true });
      }
    }
    await rm(revisionDir, { recursive: true, force: true });
  }

  /** Tags with a current link, sorted; an unknown repository has none. */
  async listTags(repository: string, signal: AbortSignal): Promise<string[]> {
    signal.throwIfAborted();
    const tagsDir = join(this.repositoryPath(repository), '_manifests', 'tags');
    const tags: string[] = [];
    for (const tag of await listDir(tagsDir)) {
      if ((await readLink(join(tagsDir, tag, 'current', 'link'))) !== undefined) tags.push(tag);
    }
    return tags.sort();
  }

  // ---------------------------------------------------------------- whole cache

  /** Every repository of the cache (`a/b/c`), sorted. */
  async listRepositories(signal?: AbortSignal): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, prefix: string[]): Promise<void> => {
      signal?.throwIfAborted();
      const entries = await listDir(dir, true);
      if (entries.some((e) => e === '_manifests' || e === '_layers')) found.push(prefix.join('/'));
      for (const name of entries) {
        if (!name.startsWith('_')) await walk(join(dir, name), [...prefix, name]);
      }
    };
    await walk(join(this.v2, 'repositories'), []);
    return found.filter((r) => r !== '').sort();
  }

  /**
   * Mark and sweep: blobs reachable from any repository's manifest revisions (the manifests, their configs
   * and layers, the children of indexes) are kept; every other blob is deleted, and so are layer links
   * left pointing at deleted blobs. Aborts without deleting anything if a revision cannot be read.
   * Must not run while another process writes to the cache.
   */
  async garbageCollect(signal: AbortSignal): Promise<GarbageCollectResult> {
    const marked = new Set<string>();
    const markManifest = async (digest: string, where: string): Promise<void> => {
      if (marked.has(digest)) return;
      marked.add(digest);
      const path = this.blobPath(digest);
      const size = await fileSize(path);
      if (size === undefined) return; // a sparse index child, or a dangling revision: nothing to keep
      const bytes = await readFile(path);
      const parsed = parseManifest(bytes, detectMediaType(bytes, undefined), where);
      if (parsed.kind === 'image') {
        for (const d of [parsed.config, ...parsed.layers]) marked.add(d.digest);
      } else {
        for (const child of parsed.manifests) await markManifest(child.digest, `${where} child ${child.digest}`);
      }
      if (parsed.subject) marked.add(parsed.subject.digest);
    };
    const repositories = await this.listRepositories(signal);
    for (const repository of repositories) {
      const revisions = join(this.repositoryPath(repository), '_manifests', 'revisions');
      for (const algorithm of await listDir(revisions, true)) {
        for (const hex of await listDir(join(revisions, algorithm), true)) {
          signal.throwIfAborted();
          const digest = await readLink(join(revisions, algorithm, hex, 'link'));
          if (digest && isDigest(digest)) await markManifest(digest, `${repository}@${digest}`);
        }
      }
    }

    await this.removeStaleTempFiles(60 * 60 * 1000);
    const result: GarbageCollectResult = { blobsDeleted: 0, bytesFreed: 0, blobsKept: 0 };
    const blobsDir = join(this.v2, 'blobs');
    for (const algorithm of await listDir(blobsDir, true)) {
      for (const hh of await listDir(join(blobsDir, algorithm), true)) {
        for (const hex of await listDir(join(blobsDir, algorithm, hh), true)) {
          signal.throwIfAborted();
          if (marked.has(`${algorithm}:${hex}`)) {
            result.blobsKept++;
            continue;
          }
          const dir = join(blobsDir, algorithm, hh, hex);
          result.bytesFreed += (await fileSize(join(dir, 'data'))) ?? 0;
          result.blobsDeleted++;
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
    for (const repository of repositories) {
      const layers = join(this.repositoryPath(repository), '_layers');
      for (const algorithm of await listDir(layers, true)) {
        for (const hex of await listDir(join(layers, algorithm), true)) {
          if (
            !marked.has(`${algorithm}:${hex}`) &&
            (await fileSize(this.blobPath(`${algorithm}:${hex}`))) === undefined
          ) {
            await rm(join(layers, algorithm, hex), { recursive: true, force: true });
          }
        }
      }
    }
    return result;
  }

  /**
   * Removes temp files older than `maxAgeMs` left in `<root>/.ocm-tmp` by crashed runs (a killed download
   * can leave a large partial blob there). Younger files may belong to a run in progress and are kept.
   */
  async removeStaleTempFiles(maxAgeMs = 24 * 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    const now = Date.now();
    for (const name of await listDir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      try {
        if (now - (await stat(path)).mtimeMs > maxAgeMs) {
          await rm(path, { force: true, recursive: true });
          removed++;
        }
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return removed;
  }

  // ---------------------------------------------------------------- internals

  /** Digest a reference points at in this repository, or undefined. */
  private async resolve(repository: string, reference: string): Promise<string | undefined> {
    const repoDir = this.repositoryPath(repository);
    if (isDigest(reference)) {
      const link = await readLink(join(repoDir, '_manifests', 'revisions', ...digestDirs(reference), 'link'));
      return link === reference ? reference : undefined;
    }
    checkTag(reference);
    const link = await readLink(join(repoDir, '_manifests', 'tags', reference, 'current', 'link'));
    return link && isDigest(link) ? link : undefined;
  }

  private async readManifestBlob(repository: string, reference: string, digest: string): Promise<Buffer> {
    const path = this.blobPath(digest);
    const size = await fileSize(path);
    if (size === undefined) throw this.notFound('get manifest', repository, reference, 'MANIFEST_UNKNOWN');
    if (size > MAX_MANIFEST_BYTES) {
      throw new OcmError('MANIFEST_INVALID', `${repository}@${digest} in ${this.description}: manifest exceeds 4 MiB`);
    }
    const bytes = await readFile(path);
    const actual = digestLike(digest, bytes);
    if (actual !== digest) {
      throw new DigestMismatchError(
        digest,
        actual,
        `manifest ${repository}@${digest} in ${this.description} (${path})`,
      );
    }
    return bytes;
  }

  private async linkLayer(repository: string, digest: string): Promise<void> {
    await this.writeLink(join(this.repositoryPath(repository), '_layers', ...digestDirs(digest), 'link'), digest);
  }

  /**
   * Link files hold `<alg>:<hex>` without a newline; an identical link is left alone. One lost to a power
   * failure reads as absent (or empty, which is treated as absent) and is rewritten.
   */
  private async writeLink(path: string, digest: string): Promise<void> {
    if ((await readLink(path)) === digest) return;
    await this.writeAtomic(path, Buffer.from(digest));
  }

  private async writeAtomic(path: string, content: Buffer): Promise<void> {
    const tmp = await this.tempPath('file');
    try {
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      await mkdir(dirname(path), { recursive: true });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async tempPath(kind: string): Promise<string> {
    this.tmpReady ??= mkdir(this.tmpDir, { recursive: true });
    try {
      await this.tmpReady;
    } catch (err) {
      this.tmpReady = undefined;
      throw err;
    }
    return join(this.tmpDir, `${kind}-${randomUUID()}`);
  }

  private notFound(operation: string, repository: string, reference: string, code: string): RegistryError {
    const sep = isDigest(reference) ? '@' : ':';
    return new RegistryError({
      message: `${repository}${sep}${reference} not found in ${this.description}`,
      registry: this.description,
      operation,
      reference: `${repository}${sep}${reference}`,
      status: 404,
      registryCode: code,
      temporary: false,
    });
  }
}

function splitDigest(digest: string): { algorithm: string; hex: string } {
  if (!isDigest(digest)) throw new OcmError('DIGEST_INVALID', `"${digest.slice(0, 100)}" is not a valid digest`);
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) };
}

function digestDirs(digest: string): [string, string] {
  const { algorithm, hex } = splitDigest(digest);
  return [algorithm, hex];
}

/** Rejects names that distribution would refuse, which also keeps every path inside the cache. */
function checkRepository(repository: string): void {
  const ok =
    repository.length > 0 &&
    repository.length <= 255 &&
    repository.split('/').every((component) => REPOSITORY_COMPONENT.test(component));
  if (!ok) throw new OcmError('REPOSITORY_INVALID', `invalid repository name "${repository.slice(0, 300)}"`);
}

function checkTag(tag: string): void {
  if (!TAG.test(tag)) throw new OcmError('TAG_INVALID', `invalid tag "${tag.slice(0, 200)}"`);
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const st = await stat(path);
    return st.isFile() ? st.size : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Content of a link file, or undefined when absent. */
async function readLink(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function listDir(dir: string, directoriesOnly = false): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !directoriesOnly || e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
