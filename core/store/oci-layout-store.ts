/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`) as an ImageStore: the
 * `oci://` sources of additionalImages, and the layouts oc-mirror keeps in the working-dir (release payloads,
 * catalogs). A layout holds one repository, so the `repository` argument is ignored.
 *
 * References: a digest resolves to that blob; a tag resolves through the `org.opencontainers.image.ref.name`
 * annotation of index.json (a full `name:tag` value matches its tag too); when index.json lists a single
 * manifest, every reference resolves to it (oc-mirror's `oci://` sources carry no tag).
 *
 * Writing is supported: blobs are renamed into place after verification, and a tagged putManifest adds or
 * replaces the index.json entry (rewritten atomically). A manifest stored by digest (an index child) is
 * only a blob, as in layouts written by skopeo. Not safe for two processes writing one layout at once.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestVerifier, digestLike, isDigest } from '../digest.js';
import { DigestMismatchError, OcmError, RegistryError } from '../errors.js';
import { detectMediaType } from '../registry/media-types.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions } from './image-store.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const LAYOUT_FILE_CONTENT = '{"imageLayoutVersion": "1.0.0"}';

interface IndexEntry {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

interface IndexFile {
  schemaVersion: number;
  mediaType?: string;
  manifests: IndexEntry[];
  [key: string]: unknown;
}

export class OciLayoutStore implements ImageStore {
  readonly description: string;
  readonly dir: string;
  /** Serialises index.json rewrites of this instance. */
  private indexQueue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = dir;
    this.description = `oci://${dir}`;
  }

  blobPath(digest: string): string {
    if (!isDigest(digest)) throw new OcmError('DIGEST_INVALID', `"${digest.slice(0, 100)}" is not a valid digest`);
    const [algorithm, hex] = digest.split(':');
    return join(this.dir, 'blobs', algorithm, hex);
  }

  async getManifest(_repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    signal.throwIfAborted();
    const found = await this.resolve(reference);
    if (!found) {
      if (!(await this.readIndex())) {
        throw new OcmError(
          'OCI_LAYOUT_INVALID',
          `${this.description} is not an OCI image layout: ${join(this.dir, 'index.json')} not found`,
          {
            hint: 'oci:// must name a directory holding oci-layout, index.json and blobs/ (e.g. written by skopeo copy … oci:<dir>)',
          },
        );
      }
      throw this.notFound('get manifest', reference, 'MANIFEST_UNKNOWN');
    }
    const bytes = await this.readManifestBlob(found.digest);
    return { bytes, digest: found.digest, mediaType: detectMediaType(bytes, found.mediaType) };
  }

  async headManifest(
    _repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    signal.throwIfAborted();
    const found = await this.resolve(reference);
    if (!found) return undefined;
    const bytes = await this.readManifestBlob(found.digest);
    return { digest: found.digest, size: bytes.length, mediaType: detectMediaType(bytes, found.mediaType) };
  }

  async putManifest(_repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const where = `${this.description}:${reference}`;
    const actual = digestLike(manifest.digest, manifest.bytes);
    if (actual !== manifest.digest) throw new DigestMismatchError(manifest.digest, actual, `manifest ${where}`);
    if (isDigest(reference) && reference !== manifest.digest) {
      throw new OcmError('MANIFEST_INVALID', `${where}: manifest digest is ${manifest.digest}, not the reference`);
    }
    await this.ensureLayoutFile();
    const path = this.blobPath(manifest.digest);
    if ((await fileSize(path)) !== manifest.bytes.length) await this.writeAtomic(path, manifest.bytes);
    if (isDigest(reference)) return;
    await this.updateIndex((index) => {
      index.manifests = index.manifests.filter((e) => e.annotations?.[REF_NAME_ANNOTATION] !== reference);
      index.manifests.push({
        mediaType: detectMediaType(manifest.bytes, manifest.mediaType),
        digest: manifest.digest,
        size: manifest.bytes.length,
        annotations: { [REF_NAME_ANNOTATION]: reference },
      });
    });
  }

  /** Removes the index.json entries of the digest (the blobs stay, as with skopeo). */
  async deleteManifest(_repository: string, digest: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    let removed = 0;
    await this.updateIndex((index) => {
      const before = index.manifests.length;
      index.manifests = index.manifests.filter((e) => e.digest !== digest);
      removed = before - index.manifests.length;
    });
    if (removed === 0) throw this.notFound('delete manifest', digest, 'MANIFEST_UNKNOWN');
  }

  async hasBlob(_repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    signal.throwIfAborted();
    return fileSize(this.blobPath(digest));
  }

  async openBlob(_repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    options.signal.throwIfAborted();
    const path = this.blobPath(digest);
    const size = await fileSize(path);
    if (size === undefined) throw this.notFound('read blob', digest, 'BLOB_UNKNOWN');
    const verifier = new DigestVerifier(digest, {
      where: `blob ${digest} in ${this.description}`,
      expectedSize: size,
      onBytes: options.onBytes,
    });
    pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), verifier).catch(() => undefined);
    addAbortSignal(options.signal, verifier);
    return { stream: verifier, size };
  }

  async putBlob(_repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    const path = this.blobPath(blob.digest);
    const present = await fileSize(path);
    if (present !== undefined && (blob.size < 0 || present === blob.size)) {
      body.destroy();
      return;
    }
    await this.ensureLayoutFile();
    const tmp = this.tempPath();
    const where = `blob ${blob.digest} in ${this.description}`;
    const verifier = new DigestVerifier(blob.digest, {
      where,
      expectedSize: blob.size >= 0 ? blob.size : undefined,
      onBytes: options.onBytes,
      upstreamVerified: DigestVerifier.covers(body, blob.digest),
    });
    try {
      await pipeline(body, verifier, createWriteStream(tmp, { flags: 'wx' }), { signal: options.signal });
      if (blob.size >= 0 && verifier.bytesSeen !== blob.size) {
        throw new DigestMismatchError(blob.digest, `${verifier.bytesSeen} bytes instead of ${blob.size}`, where);
      }
      await fsyncFile(tmp);
      await mkdir(dirname(path), { recursive: true });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The ref.name annotations of index.json, sorted and unique. */
  async listTags(_repository: string, signal: AbortSignal): Promise<string[]> {
    signal.throwIfAborted();
    const index = await this.readIndex();
    const tags = new Set<string>();
    for (const e of index?.manifests ?? []) {
      const name = e.annotations?.[REF_NAME_ANNOTATION];
      if (name) tags.add(name);
    }
    return [...tags].sort();
  }

  // ---------------------------------------------------------------- internals

  private async resolve(reference: string): Promise<{ digest: string; mediaType?: string } | undefined> {
    const index = await this.readIndex();
    const entries = index?.manifests ?? [];
    if (isDigest(reference)) {
      const entry = entries.find((e) => e.digest === reference);
      if (entry) return { digest: reference, mediaType: entry.mediaType };
      return (await fileSize(this.blobPath(reference))) === undefined ? undefined : { digest: reference };
    }
    const entry =
      entries.find((e) => e.annotations?.[REF_NAME_ANNOTATION] === reference) ??
      entries.find((e) => tagOfFullName(e.annotations?.[REF_NAME_ANNOTATION]) === reference) ??
      (entries.length === 1 ? entries[0] : undefined);
    if (!entry || typeof entry.digest !== 'string' || !isDigest(entry.digest)) return undefined;
    return { digest: entry.digest, mediaType: entry.mediaType };
  }

  private async readIndex(): Promise<IndexFile | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, 'index.json'), 'utf8');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new OcmError('OCI_LAYOUT_INVALID', `${this.description}: index.json is not valid JSON`);
    }
    const index = doc as IndexFile;
    if (!index || typeof index !== 'object' || !Array.isArray(index.manifests)) {
      throw new OcmError('OCI_LAYOUT_INVALID', `${this.description}: index.json has no "manifests" list`);
    }
    return index;
  }

  private updateIndex(change: (index: IndexFile) => void): Promise<void> {
    const run = this.indexQueue.then(async () => {
      const index = (await this.readIndex()) ?? {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [],
      };
      change(index);
      await this.writeAtomic(join(this.dir, 'index.json'), Buffer.from(JSON.stringify(index)));
    });
    this.indexQueue = run.catch(() => undefined);
    return run;
  }

  private async readManifestBlob(digest: string): Promise<Buffer> {
    const path = this.blobPath(digest);
    const size = await fileSize(path);
    if (size === undefined) throw this.notFound('get manifest', digest, 'MANIFEST_UNKNOWN');
    if (size > MAX_MANIFEST_BYTES) {
      throw new OcmError('MANIFEST_INVALID', `${this.description}@${digest}: manifest exceeds 4 MiB`);
    }
    const bytes = await readFile(path);
    const actual = digestLike(digest, bytes);
    if (actual !== digest) throw new DigestMismatchError(digest, actual, `manifest in ${this.description} (${path})`);
    return bytes;
  }

  private async ensureLayoutFile(): Promise<void> {
    const path = join(this.dir, 'oci-layout');
    if ((await fileSize(path)) !== undefined) return;
    await mkdir(this.dir, { recursive: true });
    await this.writeAtomic(path, Buffer.from(LAYOUT_FILE_CONTENT));
  }

  private tempPath(): string {
    return join(this.dir, `.ocm-tmp-${randomUUID()}`);
  }

  private async writeAtomic(path: string, content: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = this.tempPath();
    try {
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(content);
        await handle.sync();
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

  private notFound(operation: string, reference: string, code: string): RegistryError {
    return new RegistryError({
      message: `${reference} not found in ${this.description}`,
      registry: this.description,
      operation,
      reference,
      status: 404,
      registryCode: code,
      temporary: false,
    });
  }
}

/** `quay.io/a/b:v1` → `v1`; a bare tag or a name without tag → undefined. */
function tagOfFullName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const colon = name.lastIndexOf(':');
  if (colon < 0 || name.indexOf('/', colon) >= 0 || !name.includes('/')) return undefined;
  return name.slice(colon + 1);
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

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
