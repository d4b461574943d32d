/**
 * What the review shows, derived from a delete file: the items that can be deleted (grouped by type, then by
 * destination repository) and the items that will not be deleted, each with the reason. Pure functions, so the
 * reducer and the tests share them.
 */
import type { ImageType } from '../../core/image-types.js';
import { isUnderRegistry, repositoryOf, type DeleteItem } from '../../core/delete/delete-list.js';

/** Type order on screen: release first (as oc-mirror lists it), then operators, helm, additional images. */
export const TYPE_ORDER: readonly ImageType[] = [
  'ocpRelease',
  'ocpReleaseContent',
  'cincinnatiGraph',
  'operatorCatalog',
  'operatorBundle',
  'operatorRelatedImage',
  'helmImage',
  'generic',
];

export const TYPE_LABELS: Record<ImageType, string> = {
  ocpRelease: 'Release images',
  ocpReleaseContent: 'Release components',
  cincinnatiGraph: 'Update graph image',
  operatorCatalog: 'Operator catalogs',
  operatorBundle: 'Operator bundles',
  operatorRelatedImage: 'Operator related images',
  helmImage: 'Helm chart images',
  generic: 'Additional images',
};

/** An item the review will not offer for deletion, and why. */
export interface ExcludedItem {
  item: DeleteItem;
  reason: 'catalog' | 'outside-registry';
  /** One line for the user. */
  explanation: string;
}

export interface PartitionedItems {
  /** Deletable items, sorted by type order then imageReference; indices into this array identify items. */
  deletable: DeleteItem[];
  excluded: ExcludedItem[];
}

/**
 * Splits the file's items. Catalog images are never deleted (a partly deleted catalog keeps working, §6.2);
 * items outside `<R>` follow §3.5 rule 1 (release images must sit exactly under `<R>/openshift/…`).
 * Duplicate imageReferences are listed once, as the delete file format promises.
 */
export function partitionDeleteItems(items: readonly DeleteItem[], registry: string): PartitionedItems {
  const root = registry.replace(/\/+$/, '');
  const seen = new Set<string>();
  const deletable: DeleteItem[] = [];
  const excluded: ExcludedItem[] = [];
  for (const item of items) {
    if (seen.has(item.imageReference)) continue;
    seen.add(item.imageReference);
    if (!isUnderRegistry(item, root)) {
      excluded.push({ item, reason: 'outside-registry', explanation: outsideExplanation(item, root) });
    } else if (item.type === 'operatorCatalog') {
      excluded.push({
        item,
        reason: 'catalog',
        explanation: 'catalog image: never deleted, so the rest of the catalog keeps working',
      });
    } else {
      deletable.push(item);
    }
  }
  deletable.sort(compareItems);
  excluded.sort((a, b) => compareItems(a.item, b.item));
  return { deletable, excluded };
}

function outsideExplanation(item: DeleteItem, root: string): string {
  if (item.type === 'ocpRelease') return `not under ${root}/openshift/release-images`;
  if (item.type === 'ocpReleaseContent') return `not under ${root}/openshift/release`;
  return `not under docker://${root}`;
}

function compareItems(a: DeleteItem, b: DeleteItem): number {
  const byType = TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);
  if (byType !== 0) return byType;
  // By repository first, so each repository's items are contiguous under one header.
  return compareStrings(itemRepository(a), itemRepository(b)) || compareStrings(a.imageReference, b.imageReference);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The destination repository of an item, without the transport (`host/path/repo`). */
export function itemRepository(item: DeleteItem): string {
  return repositoryOf(item.imageReference.replace(/^docker:\/\//, ''));
}

/** The tag or digest part of an item's reference (`1.0`, `sha256:…`). */
export function itemVersion(item: DeleteItem): string {
  const ref = item.imageReference.replace(/^docker:\/\//, '');
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(at + 1);
  const repo = repositoryOf(ref);
  return ref.length > repo.length ? ref.slice(repo.length + 1) : ref;
}

/** One line of the scrollable list. `items` are indices into `deletable` (the visible ones under a filter). */
export type ReviewRow =
  | { kind: 'type'; type: ImageType; items: readonly number[] }
  | { kind: 'repository'; type: ImageType; repository: string; items: readonly number[] }
  | { kind: 'item'; index: number };

/** True when the item matches the filter text (case-insensitive, on reference, origin and type). */
export function matchesFilter(item: DeleteItem, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return (
    item.imageReference.toLowerCase().includes(needle) ||
    item.imageName.toLowerCase().includes(needle) ||
    item.type.toLowerCase().includes(needle) ||
    TYPE_LABELS[item.type].toLowerCase().includes(needle)
  );
}

/**
 * The rows of the list: a header per type, a header per repository inside it, then the items. Under a filter
 * only matching items (and the headers above them) remain, and a header stands for its visible items only.
 */
export function buildRows(deletable: readonly DeleteItem[], filter: string): ReviewRow[] {
  const rows: ReviewRow[] = [];
  let typeRow: { kind: 'type'; type: ImageType; items: number[] } | undefined;
  let repoRow: { kind: 'repository'; type: ImageType; repository: string; items: number[] } | undefined;
  deletable.forEach((item, index) => {
    if (!matchesFilter(item, filter)) return;
    if (!typeRow || typeRow.type !== item.type) {
      typeRow = { kind: 'type', type: item.type, items: [] };
      rows.push(typeRow);
      repoRow = undefined;
    }
    const repository = itemRepository(item);
    if (!repoRow || repoRow.repository !== repository) {
      repoRow = { kind: 'repository', type: item.type, repository, items: [] };
      rows.push(repoRow);
    }
    typeRow.items.push(index);
    repoRow.items.push(index);
    rows.push({ kind: 'item', index });
  });
  return rows;
}

/** The items a row stands for. */
export function rowItems(row: ReviewRow): readonly number[] {
  return row.kind === 'item' ? [row.index] : row.items;
}

/** `host[:port]` of a registry argument (`127.0.0.1:5000/mirror` → `127.0.0.1:5000`): the confirmation word. */
export function registryHostOf(registry: string): string {
  const trimmed = registry.replace(/^docker:\/\//, '');
  const slash = trimmed.indexOf('/');
  return slash >= 0 ? trimmed.slice(0, slash) : trimmed;
}
