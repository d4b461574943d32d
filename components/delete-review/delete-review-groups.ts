/**
 * What the review shows, derived from a delete file: the items that can be deleted (grouped by type, then by
 * catalog and package for operator images whose origin is known, else by destination repository) and the items
 * that will not be deleted, each with the reason. Pure functions, so the reducer and the tests share them.
 */
import type { ImageType, OperatorOrigin } from '../../core/image-types.js';
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

/**
 * The sidecar `delete-images.origins.json` (`readDeleteOrigins`): for operator images, keyed by
 * imageReference, the catalog and packages they came from. Optional: oc-mirror's files have none.
 */
export type DeleteOrigins = Readonly<Record<string, OperatorOrigin>>;

const NO_ORIGINS: DeleteOrigins = {};

/** Item types grouped by catalog and package when their origin is known. */
const OPERATOR_TYPES: ReadonlySet<ImageType> = new Set<ImageType>(['operatorBundle', 'operatorRelatedImage']);

/**
 * The origin of an operator item, or undefined (other types, no entry, or an entry that is not a catalog with
 * at least one package: the sidecar is a hint, never a reason to fail). The first package is where it is listed.
 */
export function itemOrigin(item: DeleteItem, origins: DeleteOrigins = NO_ORIGINS): OperatorOrigin | undefined {
  if (!OPERATOR_TYPES.has(item.type) || !Object.hasOwn(origins, item.imageReference)) return undefined;
  const entry = origins[item.imageReference] as Partial<OperatorOrigin> | null | undefined;
  if (!entry || typeof entry.catalog !== 'string' || entry.catalog === '' || !Array.isArray(entry.packages)) {
    return undefined;
  }
  const packages = entry.packages.filter((p): p is string => typeof p === 'string' && p !== '');
  return packages.length > 0 ? { catalog: entry.catalog, packages } : undefined;
}

/**
 * The catalog as a header shows it: the last path segment with its tag or a 12-hex digest
 * (`registry.redhat.io/redhat/redhat-operator-index:v4.18` → `redhat-operator-index:v4.18`,
 * `oci:///data/catalogs/my-index/` → `my-index`).
 */
export function shortCatalogName(catalog: string): string {
  const ref = catalog.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^oci:/i, '');
  const at = ref.indexOf('@');
  const name = (at >= 0 ? ref.slice(0, at) : ref).replace(/\/+$/, '');
  const digest = at >= 0 ? ref.slice(at + 1) : '';
  const last = name.slice(name.lastIndexOf('/') + 1) || name;
  if (digest === '') return last;
  const colon = digest.indexOf(':');
  const short =
    colon >= 0 ? `${digest.slice(0, colon + 1)}${digest.slice(colon + 1, colon + 13)}` : digest.slice(0, 12);
  return `${last}@${short}`;
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
export function partitionDeleteItems(
  items: readonly DeleteItem[],
  registry: string,
  origins: DeleteOrigins = NO_ORIGINS,
): PartitionedItems {
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
  const compare = itemComparator(origins);
  deletable.sort(compare);
  excluded.sort((a, b) => compare(a.item, b.item));
  return { deletable, excluded };
}

function outsideExplanation(item: DeleteItem, root: string): string {
  if (item.type === 'ocpRelease') return `not under ${root}/openshift/release-images`;
  if (item.type === 'ocpReleaseContent') return `not under ${root}/openshift/release`;
  return `not under docker://${root}`;
}

/**
 * Type order, then the second-level group, then imageReference, so each group's items are contiguous under one
 * header. Within a type, catalog › package groups (by catalog, then package) come before repository groups.
 */
function itemComparator(origins: DeleteOrigins): (a: DeleteItem, b: DeleteItem) => number {
  const keys = new Map<DeleteItem, readonly [number, string, string]>();
  const keyOf = (item: DeleteItem) => {
    let key = keys.get(item);
    if (!key) {
      const origin = itemOrigin(item, origins);
      key = origin ? [0, origin.catalog, origin.packages[0]] : [1, itemRepository(item), ''];
      keys.set(item, key);
    }
    return key;
  };
  return (a, b) => {
    const byType = TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);
    if (byType !== 0) return byType;
    const [ka, kb] = [keyOf(a), keyOf(b)];
    return (
      ka[0] - kb[0] ||
      compareStrings(ka[1], kb[1]) ||
      compareStrings(ka[2], kb[2]) ||
      compareStrings(a.imageReference, b.imageReference)
    );
  };
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
  /** Operator images of one package of one catalog (an image shared by several packages: its first one). */
  | { kind: 'package'; type: ImageType; catalog: string; packageName: string; items: readonly number[] }
  | { kind: 'item'; index: number };

/**
 * True when the item matches the filter text (case-insensitive, on reference, origin and type, and for operator
 * images on the catalog and every package they belong to).
 */
export function matchesFilter(item: DeleteItem, filter: string, origin?: OperatorOrigin): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  const has = (text: string) => text.toLowerCase().includes(needle);
  return (
    has(item.imageReference) ||
    has(item.imageName) ||
    has(item.type) ||
    has(TYPE_LABELS[item.type]) ||
    (origin !== undefined &&
      (has(origin.catalog) || has(shortCatalogName(origin.catalog)) || origin.packages.some(has)))
  );
}

/**
 * The rows of the list: a header per type, inside it a header per catalog › package (operator images with a
 * known origin) or per repository (everything else), then the items. Under a filter only matching items (and
 * the headers above them) remain, and a header stands for its visible items only. `deletable` must be in
 * `partitionDeleteItems` order for the same `origins`, so each group is contiguous.
 */
export function buildRows(
  deletable: readonly DeleteItem[],
  filter: string,
  origins: DeleteOrigins = NO_ORIGINS,
): ReviewRow[] {
  const rows: ReviewRow[] = [];
  let typeRow: TypeRow | undefined;
  let groupRow: GroupRow | undefined;
  deletable.forEach((item, index) => {
    const origin = itemOrigin(item, origins);
    if (!matchesFilter(item, filter, origin)) return;
    if (!typeRow || typeRow.type !== item.type) {
      typeRow = { kind: 'type', type: item.type, items: [] };
      rows.push(typeRow);
      groupRow = undefined;
    }
    const group: GroupRow = origin
      ? { kind: 'package', type: item.type, catalog: origin.catalog, packageName: origin.packages[0], items: [] }
      : { kind: 'repository', type: item.type, repository: itemRepository(item), items: [] };
    if (!groupRow || !sameGroup(groupRow, group)) {
      groupRow = group;
      rows.push(groupRow);
    }
    typeRow.items.push(index);
    groupRow.items.push(index);
    rows.push({ kind: 'item', index });
  });
  return rows;
}

/** The rows buildRows is still filling. */
type TypeRow = { kind: 'type'; type: ImageType; items: number[] };
type GroupRow =
  | { kind: 'repository'; type: ImageType; repository: string; items: number[] }
  | { kind: 'package'; type: ImageType; catalog: string; packageName: string; items: number[] };

function sameGroup(a: GroupRow, b: GroupRow): boolean {
  if (a.kind === 'repository') return b.kind === 'repository' && a.repository === b.repository;
  return b.kind === 'package' && a.catalog === b.catalog && a.packageName === b.packageName;
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
