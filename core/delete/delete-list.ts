/**
 * The DeleteImageList file (`../shared/spec/core.md` §6.1): what phase 1 writes and phase 2 reads.
 * Written with sorted keys and items sorted by imageReference, like oc-mirror, so files diff cleanly.
 */
import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import type { ImageType } from '../image-types.js';
import { OcmError } from '../errors.js';

export interface DeleteItem {
  imageName: string;
  imageReference: string;
  type: ImageType;
}

export interface DeleteImageList {
  apiVersion: string;
  kind: 'DeleteImageList';
  items: DeleteItem[];
}

const TYPES = new Set<string>([
  'ocpRelease',
  'ocpReleaseContent',
  'cincinnatiGraph',
  'operatorCatalog',
  'operatorBundle',
  'operatorRelatedImage',
  'generic',
  'helmImage',
]);

/**
 * `delete-images.yaml` → `delete-images.origins.json`: for operator images, the catalog and packages they came
 * from (written by `delete --generate` next to the delete file; optional, read by the interactive review).
 */
export function deleteOriginsFile(deleteFile: string): string {
  return deleteFile.replace(/\.ya?ml$/, '') + '.origins.json';
}

/** The origins written next to a delete file, or an empty map when there is none (or it is unreadable). */
export async function readDeleteOrigins(
  deleteFile: string,
): Promise<Record<string, { catalog: string; packages: string[] }>> {
  try {
    const parsed = JSON.parse(await readFile(deleteOriginsFile(deleteFile), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object'
      ? (parsed as Record<string, { catalog: string; packages: string[] }>)
      : {};
  } catch {
    return {};
  }
}

export function formatDeleteList(items: DeleteItem[]): string {
  const unique = new Map<string, DeleteItem>();
  for (const item of items) if (!unique.has(item.imageReference)) unique.set(item.imageReference, item);
  const sorted = [...unique.values()].sort((a, b) =>
    a.imageReference < b.imageReference ? -1 : a.imageReference > b.imageReference ? 1 : 0,
  );
  const doc = { apiVersion: 'mirror.openshift.io/v2alpha1', items: sorted, kind: 'DeleteImageList' };
  return stringify(doc, { sortMapEntries: true, lineWidth: 0 });
}

export async function readDeleteList(path: string): Promise<DeleteImageList> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new OcmError('DELETE_FILE', `file not found ${path}`, {
      hint: 'pass the delete-images.yaml written by `ocm-tui delete --generate`',
    });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new OcmError('DELETE_FILE', `${path}: not valid YAML: ${(err as Error).message}`);
  }
  const d = doc as Partial<DeleteImageList> | null;
  if (!d || d.kind !== 'DeleteImageList' || !Array.isArray(d.items)) {
    throw new OcmError('DELETE_FILE', `${path}: expected kind DeleteImageList with an items list`);
  }
  const items: DeleteItem[] = [];
  d.items.forEach((raw, i) => {
    const it = raw as Partial<DeleteItem>;
    if (typeof it?.imageReference !== 'string' || typeof it.imageName !== 'string' || !TYPES.has(String(it.type))) {
      throw new OcmError('DELETE_FILE', `${path}: items[${i}] needs imageName, imageReference and a known type`);
    }
    items.push({ imageName: it.imageName, imageReference: it.imageReference, type: it.type as ImageType });
  });
  return { apiVersion: String(d.apiVersion ?? ''), kind: 'DeleteImageList', items };
}

/**
 * §3.5 rule 1: release payloads must be exactly under `<R>/openshift/release-images`, components under
 * `<R>/openshift/release`, everything else under `<R>/`. Protects against running a file against the wrong registry.
 */
export function isUnderRegistry(item: DeleteItem, registry: string): boolean {
  const ref = item.imageReference.replace(/^docker:\/\//, '');
  const root = registry.replace(/\/+$/, '');
  const repo = repositoryOf(ref);
  if (item.type === 'ocpRelease') return repo === `${root}/openshift/release-images`;
  if (item.type === 'ocpReleaseContent') return repo === `${root}/openshift/release`;
  return ref.startsWith(`${root}/`);
}

export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}
