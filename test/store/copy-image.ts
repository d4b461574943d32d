/**
 * Test helper: a minimal copy loop between two ImageStores (blobs first, then child manifests, then the
 * top manifest under a tag), so store tests do not depend on the copy engine.
 */
import { chmod, cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageStore } from '../../core/store/image-store.js';
import { parseManifest } from '../../core/registry/media-types.js';

export async function copyImage(
  src: ImageStore,
  srcRepository: string,
  srcReference: string,
  dst: ImageStore,
  dstRepository: string,
  dstTag: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<string> {
  const top = await src.getManifest(srcRepository, srcReference, signal);
  const copyManifestContent = async (bytes: Buffer, mediaType: string): Promise<void> => {
    const parsed = parseManifest(bytes, mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.manifests) {
        const manifest = await src.getManifest(srcRepository, child.digest, signal);
        await copyManifestContent(manifest.bytes, manifest.mediaType);
        await dst.putManifest(dstRepository, child.digest, manifest, signal);
      }
      return;
    }
    for (const blob of [parsed.config, ...parsed.layers]) {
      if ((await dst.hasBlob(dstRepository, blob.digest, signal)) !== undefined) continue;
      const opened = await src.openBlob(srcRepository, blob.digest, { signal });
      await dst.putBlob(dstRepository, { digest: blob.digest, size: blob.size }, opened.stream, { signal });
    }
  };
  await copyManifestContent(top.bytes, top.mediaType);
  await dst.putManifest(dstRepository, dstTag, top, signal);
  return top.digest;
}

/**
 * Copies a directory tree (the read-only shared test data) and makes the copy writable, so tests that
 * modify it also work for a non-root user.
 */
export async function copyTreeWritable(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  const fix = async (dir: string): Promise<void> => {
    await chmod(dir, 0o755);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await fix(path);
      else await chmod(path, 0o644);
    }
  };
  await fix(to);
}
