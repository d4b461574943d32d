/**
 * Reads one directory tree out of an image without writing the image to disk: the layers of one platform image
 * are streamed in order (gunzip → tar), only entries under the directory are written, and whiteouts of later
 * layers remove what earlier ones wrote (OCI layer semantics: a whiteout hides lower layers only). The tree is
 * built in a temporary directory and renamed into place, so a crash never leaves a half tree that a later run
 * would take as complete. Used for catalogs' `/configs` and release payloads' `release-manifests`.
 */
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { PassThrough, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Header } from 'tar-stream';

import { OcmError } from '../errors.js';
import type { ImageStore } from '../store/image-store.js';
import type { Descriptor } from '../registry/media-types.js';

/** An entry of tar-stream's extractor (a streamx Readable). */
type Entry = AsyncIterable<unknown> & {
  header: Header;
  resume(): unknown;
  pipe<T extends NodeJS.WritableStream>(dest: T): T;
  on(event: 'error', listener: (err: Error) => void): unknown;
};

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';

/** Builds the error thrown for this image (so that callers keep their own error classes and codes). */
export type TreeErrorFactory = (message: string, options?: { hint?: string; cause?: unknown }) => OcmError;

export interface ExtractTreeOptions {
  store: ImageStore;
  repository: string;
  /** The platform image's layers, bottom first. */
  layers: Descriptor[];
  /** Relative directory inside the image (`configs`, `release-manifests`). */
  dir: string;
  /** Final directory; the tree ends up at `<target>/<dir>`. Replaced if it exists. */
  target: string;
  /** For messages: what the image is (`catalog quay.io/…`, `release 4.18.1-x86_64`). */
  subject: string;
  makeError: TreeErrorFactory;
  /** Hint for "no files under /<dir>". */
  emptyHint?: string;
  signal: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Extracts the tree; returns its root (`<target>/<dir>`). */
export async function extractTree(opts: ExtractTreeOptions): Promise<string> {
  const tmp = `${opts.target}.tmp-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    for (const layer of opts.layers) {
      opts.signal.throwIfAborted();
      if (layer.urls && layer.urls.length > 0) continue; // foreign layers never hold catalog content
      await extractLayer(opts, layer, tmp);
    }
    // Counted on the result: a later layer may have whited out everything earlier ones wrote.
    if ((await countFiles(join(tmp, opts.dir))) === 0) {
      throw opts.makeError(`${opts.subject}: no files under /${opts.dir} in the image`, { hint: opts.emptyHint });
    }
    await rm(opts.target, { recursive: true, force: true });
    await mkdir(dirname(opts.target), { recursive: true });
    await rename(tmp, opts.target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return join(opts.target, opts.dir);
}

async function extractLayer(opts: ExtractTreeOptions, layer: Descriptor, root: string): Promise<void> {
  const where = `${opts.subject}, layer ${layer.digest}`;
  const blob = await opts.store.openBlob(opts.repository, layer.digest, { signal: opts.signal, onBytes: opts.onBytes });
  const untar = tarExtract();
  // Whiteouts hide what lower layers wrote, never what this layer writes (whatever the entry order).
  const written = new Set<string>();
  const hide = (rel: string, keepSelf: boolean) => removeExcept(root, rel, written, keepSelf);
  const prefix = opts.dir;
  const inTree = (p: string) => p === prefix || p.startsWith(`${prefix}/`);
  const isAncestorOfTree = (p: string) => p === '' || prefix.startsWith(`${p}/`);
  const handleEntry = async (header: Header, stream: Entry): Promise<void> => {
    const path = entryPath(header.name);
    if (path === undefined) {
      stream.resume();
      return;
    }
    const base = posix.basename(path);
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    if (base === OPAQUE_WHITEOUT) {
      stream.resume();
      // An opaque directory hides everything the lower layers put in it.
      if (inTree(dir)) await hide(dir, true);
      else if (isAncestorOfTree(dir)) await hide(prefix, false);
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      stream.resume();
      const removed = posix.join(dir, base.slice(WHITEOUT_PREFIX.length));
      if (inTree(removed)) await hide(removed, false);
      else if (isAncestorOfTree(removed)) await hide(prefix, false);
      return;
    }
    if (!inTree(path)) {
      stream.resume();
      return;
    }
    const out = join(root, path);
    switch (header.type) {
      case 'directory':
        stream.resume();
        await ensureDirectory(root, path);
        markWritten(written, path);
        return;
      case 'file':
      case 'contiguous-file':
        await ensureDirectory(root, posix.dirname(path));
        await rm(out, { recursive: true, force: true });
        await writeEntry(stream, out);
        markWritten(written, path);
        return;
      case 'link': {
        stream.resume();
        const linked = header.linkname === undefined ? undefined : entryPath(header.linkname);
        if (linked !== undefined && inTree(linked)) {
          await ensureDirectory(root, posix.dirname(path));
          await rm(out, { recursive: true, force: true });
          await link(join(root, linked), out).catch(() => undefined);
          markWritten(written, path);
        }
        return;
      }
      default:
        // Symlinks and devices are not FBC content; following a link could leave the tree.
        stream.resume();
    }
  };
  const abort = () => blob.stream.destroy(opts.signal.reason as Error);
  opts.signal.addEventListener('abort', abort, { once: true });
  try {
    const decoded = blob.stream.pipe(decompressor(layer, where, opts.makeError));
    blob.stream.on('error', (e) => untar.destroy(e));
    decoded.on('error', (e) => untar.destroy(e));
    decoded.pipe(untar);
    for await (const entry of untar as unknown as AsyncIterable<Entry>) {
      try {
        await handleEntry(entry.header, entry);
      } finally {
        entry.resume();
      }
    }
  } catch (err) {
    blob.stream.destroy();
    if (opts.signal.aborted) throw opts.signal.reason;
    if (err instanceof OcmError) throw err;
    throw opts.makeError(`${where}: cannot read the layer: ${(err as Error).message}`, { cause: err });
  } finally {
    opts.signal.removeEventListener('abort', abort);
  }
}

/** A normalised relative path, or undefined for entries that would land outside the root. */
function entryPath(name: string): string | undefined {
  const normalised = posix.normalize(name.replace(/^(\.\/)+/, '').replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normalised === '.' || normalised === '' || normalised.split('/').includes('..')) return undefined;
  return normalised;
}

/** tar-stream entries are streamx streams: piped by hand rather than through node's pipeline. */
function writeEntry(entry: Entry, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    out.on('finish', resolve);
    entry.on('error', reject);
    entry.pipe(out);
  });
}

/** Records `path` and its parent directories as written by the current layer. */
function markWritten(written: Set<string>, path: string): void {
  for (let p = path; p !== '.' && p !== '' && !written.has(p); p = posix.dirname(p)) written.add(p);
}

/**
 * Removes `rel` (or, with `keepSelf`, only its content) from the tree, except what the current layer wrote: those
 * paths and the directories leading to them stay.
 */
async function removeExcept(root: string, rel: string, written: Set<string>, keepSelf: boolean): Promise<void> {
  const full = join(root, rel);
  if (!written.has(rel)) {
    if (keepSelf) {
      const info = await lstat(full).catch(() => undefined);
      if (info?.isDirectory()) {
        for (const name of await readdir(full)) await rm(join(full, name), { recursive: true, force: true });
      }
    } else await rm(full, { recursive: true, force: true });
    return;
  }
  const info = await lstat(full).catch(() => undefined);
  if (!info?.isDirectory()) return; // a file this layer wrote
  for (const name of await readdir(full)) await removeExcept(root, posix.join(rel, name), written, false);
}

/** mkdir -p that replaces files of lower layers standing where a directory now goes. */
async function ensureDirectory(root: string, rel: string): Promise<void> {
  if (rel === '.' || rel === '') return;
  try {
    await mkdir(join(root, rel), { recursive: true });
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
  }
  let current = '';
  for (const part of rel.split('/')) {
    current = current ? `${current}/${part}` : part;
    const info = await lstat(join(root, current)).catch(() => undefined);
    if (info && !info.isDirectory()) await rm(join(root, current), { force: true });
    if (!info || !info.isDirectory()) await mkdir(join(root, current));
  }
}

async function countFiles(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let n = 0;
  for (const e of entries) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : e.isFile() ? 1 : 0;
  return n;
}

/**
 * Layers are gzip'd tar (almost always) or plain tar, as the media type says. zstd needs a decoder Node 20 does
 * not have: say so instead of failing inside the tar parser.
 */
function decompressor(layer: Descriptor, where: string, makeError: TreeErrorFactory): Transform {
  const type = layer.mediaType;
  if (type.endsWith('zstd')) {
    throw makeError(`${where}: the layer is zstd-compressed (${type}), which is not supported`, {
      hint: 'use a catalog image with gzip layers (the Red Hat and community catalogs are)',
    });
  }
  if (type.endsWith('.tar') || type.endsWith('diff.tar')) return new PassThrough();
  // 1 MiB output chunks: the default 16 KiB means thousands of thread-pool round trips and tiny writes per layer.
  return createGunzip({ chunkSize: 1 << 20 });
}
