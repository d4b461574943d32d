/**
 * Delete phase 1 (§3.4, §6.2): compute what a mirror run of the DeleteImageSetConfiguration put on `<R>`,
 * using only local data (working-dir and cache), and write delete-images[-ID].yaml plus the config used.
 * Catalog images are never listed, so a partly deleted catalog keeps working.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDeleteImageSetConfig } from '../config/load-config.js';
import { collectAll } from '../collect/collect-all.js';
import { KIND_BIT } from '../workflow/exit-code.js';
import { workspaceOf } from '../workflow/workspace.js';
import { cacheHostOf } from '../workflow/mirror-options.js';
import { splitDockerReference } from '../copy/image-location.js';
import type { ImageStore } from '../store/image-store.js';
import { OciLayoutStore } from '../store/oci-layout-store.js';
import type { StoreResolver } from '../copy/image-location.js';
import { OcmError } from '../errors.js';
import type { EventInput } from '../events.js';
import { deleteOriginsFile, formatDeleteList, type DeleteItem } from './delete-list.js';
import type { OperatorOrigin } from '../image-types.js';
import { parseManifest } from '../registry/media-types.js';
import { RunFailure } from '../workflow/run-mirror.js';

export interface GenerateDeleteOptions {
  configPath: string;
  workspaceRoot: string;
  destinationRegistry: string;
  port: number;
  deleteId?: string;
  deleteSignatures: boolean;
  cache: ImageStore;
  /** For collectors' overrides (OCP_SIGNATURE_VERIFICATION_PK, …). */
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: (event: EventInput) => void;
}

export async function generateDeleteList(
  opts: GenerateDeleteOptions,
): Promise<{ deleteFile: string; configFile: string; items: DeleteItem[] }> {
  const { config } = await loadDeleteImageSetConfig(opts.configPath);
  const ws = workspaceOf(opts.workspaceRoot);
  const cacheHost = cacheHostOf(opts.port);
  // Phase 1 works from local data only: catalogs are read from the cache (and the working-dir), never upstream.
  const stores: StoreResolver = {
    registry: (host) => {
      if (host === cacheHost) return opts.cache;
      throw new OcmError('DELETE_LOCAL_ONLY', `delete --generate reads only the local cache, not ${host}`);
    },
    ociLayout: (path) => new OciLayoutStore(path),
  };
  const collected = await collectAll(config.delete, {
    workflow: 'delete',
    destinationRoot: opts.destinationRegistry,
    cacheHost: cacheHostOf(opts.port),
    workingDir: ws.workingDir,
    signal: opts.signal,
    emit: opts.emit,
    stores,
    cache: opts.cache,
    env: opts.env,
  });
  const items: DeleteItem[] = [];
  const origins: Record<string, OperatorOrigin> = {};
  for (const img of collected.images) {
    if (img.type === 'operatorCatalog') continue;
    items.push({ imageName: img.origin, imageReference: img.destination, type: img.type });
    if (img.operator) origins[img.destination] = img.operator;
    if (opts.deleteSignatures && img.type !== 'cincinnatiGraph') {
      items.push(...(await signatureItems(img.origin, img.source, img.destination, img.type, opts)));
    }
  }
  const suffix = opts.deleteId ? `-${opts.deleteId}` : '';
  await mkdir(ws.deleteDir, { recursive: true });
  const deleteFile = join(ws.deleteDir, `delete-images${suffix}.yaml`);
  const configFile = join(ws.deleteDir, `delete-imageset-config${suffix}.yaml`);
  if (items.length > 0) {
    await writeFile(deleteFile, formatDeleteList(items));
    // Not part of oc-mirror's file format: the review groups operator images by catalog and package from it.
    if (Object.keys(origins).length > 0)
      await writeFile(deleteOriginsFile(deleteFile), JSON.stringify(origins, null, 2));
    await copyFile(opts.configPath, configFile);
  }
  if (collected.errors.length > 0) {
    let code = 0;
    for (const e of collected.errors) code |= KIND_BIT[e.kind];
    throw new RunFailure(collected.errors.map((e) => e.message).join('\n'), 1 | code);
  }
  if (items.length === 0) throw new RunFailure('no images found to delete for this configuration', 1);
  return { deleteFile, configFile, items };
}

/**
 * `--delete-signatures`: the `sha256-<hex>.sig` tags of the image as it sits in the cache (the list and each
 * child of a manifest list); when the cache does not have it (typical after mirror to mirror) fall back to the
 * origin digest.
 */
async function signatureItems(
  origin: string,
  cacheRef: string,
  destination: string,
  type: DeleteItem['type'],
  opts: GenerateDeleteOptions,
): Promise<DeleteItem[]> {
  const digests: string[] = [];
  try {
    const loc = splitDockerReference(cacheRef);
    const top = await opts.cache.getManifest(loc.repository, loc.digest ?? loc.tag!, opts.signal);
    digests.push(top.digest);
    const parsed = parseManifest(top.bytes, top.mediaType, cacheRef);
    if (parsed.kind === 'index') digests.push(...parsed.manifests.map((m) => m.digest));
  } catch {
    const at = origin.indexOf('@');
    if (at >= 0) digests.push(origin.slice(at + 1));
  }
  const originRepo = origin
    .replace(/^docker:\/\//, '')
    .split('@')[0]
    .replace(/:[^/:]+$/, '');
  const destRepo = destination
    .replace(/^docker:\/\//, '')
    .split('@')[0]
    .replace(/:[^/:]+$/, '');
  return digests.map((d) => {
    const tag = `${d.replace(':', '-')}.sig`;
    return { imageName: `${originRepo}:${tag}`, imageReference: `docker://${destRepo}:${tag}`, type };
  });
}
