/**
 * ImageDigestMirrorSet / ImageTagMirrorSet generation (spec core.md §5.2), with deterministic output:
 * documents in category order release, operator, generic; entries sorted by source; mirrors sorted.
 * Deliberate differences from oc-mirror are listed in docs/decisions.md ("IDMS/ITMS").
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ImageType } from '../image-types.js';
import { DOCKER_TRANSPORT, isDigestOnly, parseImageReference, repositoryName } from '../reference/image-reference.js';
import type { ImageReference } from '../reference/image-reference.js';
import { toPullLocation } from '../reference/pull-location.js';
import { ClusterResourceError } from './cluster-resource-error.js';
import { byCodeUnit } from '../code-unit-order.js';

export const IDMS_FILE_NAME = 'idms-oc-mirror.yaml';
export const ITMS_FILE_NAME = 'itms-oc-mirror.yaml';

/** oc-mirror's log lines for the cases where a file is not written. */
export const NOTHING_MIRRORED_MESSAGE = 'Nothing mirrored. Skipping IDMS and ITMS files generation.';
export const NO_DIGEST_IMAGES_MESSAGE = 'No images by digests were mirrored. Skipping IDMS generation.';
export const NO_TAG_IMAGES_MESSAGE = 'No images by tag were mirrored. Skipping ITMS generation.';

/** A successfully copied image (dry run: every collected image). */
export interface CopiedImage {
  type: ImageType;
  /** The upstream reference; must not be empty. */
  origin: string;
  source: string;
  destination: string;
}

export interface MirrorSetOptions {
  /** `--max-nested-paths`; > 0 forces repository scope. */
  maxNestedPaths: number;
  /** RFC 3339 UTC time written into the `createdAt` annotation. */
  createdAt: string;
  /** Written into the `oc-mirror_version` annotation. */
  version: string;
}

type Category = 'release' | 'operator' | 'generic';
const CATEGORY_ORDER: readonly Category[] = ['release', 'operator', 'generic'];

/** source → set of mirrors, per category. */
type MirrorTable = Map<Category, Map<string, Set<string>>>;

/**
 * Builds the YAML text of `idms-oc-mirror.yaml` and `itms-oc-mirror.yaml`; a file with no entries is
 * left out (undefined). Throws {@link ClusterResourceError} for an image without origin or with an
 * unparseable origin/destination.
 */
export function generateIdmsItms(
  images: readonly CopiedImage[],
  opts: MirrorSetOptions,
): { idms?: string; itms?: string } {
  const byDigest: MirrorTable = new Map();
  const byTag: MirrorTable = new Map();
  for (const image of images) {
    if (!image.origin) {
      throw new ClusterResourceError(
        `unable to generate IDMS/ITMS: original reference for (${image.source},${image.destination}) undetermined`,
      );
    }
    // Catalogs are consumed through CatalogSource/ClusterCatalog, the graph image through UpdateService.
    if (image.type === 'operatorCatalog' || image.type === 'cincinnatiGraph') continue;
    const origin = parse(image.origin);
    // An OCI layout has no upstream registry a cluster could pull from, so nothing to redirect.
    if (origin.transport !== DOCKER_TRANSPORT) continue;
    const destination = parse(image.destination);
    const { source, mirror } = scope(origin, destination, opts.maxNestedPaths > 0);
    const category = categoryOf(image.type);
    const digestOnly = isDigestOnly(origin);
    // Release payloads are copied by tag but the installer needs them in the IDMS (oc-mirror CLID-205).
    if (origin.digest !== undefined || image.type === 'ocpRelease') add(byDigest, category, source, mirror);
    if (!digestOnly) add(byTag, category, source, mirror);
  }
  const result: { idms?: string; itms?: string } = {};
  if (byDigest.size > 0) result.idms = render(byDigest, 'ImageDigestMirrorSet', opts);
  if (byTag.size > 0) result.itms = render(byTag, 'ImageTagMirrorSet', opts);
  return result;
}

/**
 * Writes the generated files into `dir` (normally `working-dir/cluster-resources`), each through a
 * temporary file and a rename; returns the paths written (none when nothing qualifies).
 */
export async function writeIdmsItms(
  dir: string,
  images: readonly CopiedImage[],
  opts: MirrorSetOptions,
): Promise<string[]> {
  const { idms, itms } = generateIdmsItms(images, opts);
  const written: string[] = [];
  const files: [string, string | undefined][] = [
    [IDMS_FILE_NAME, idms],
    [ITMS_FILE_NAME, itms],
  ];
  for (const [name, text] of files) {
    if (text === undefined) continue;
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
    written.push(path);
  }
  return written;
}

function parse(reference: string): ImageReference {
  try {
    return parseImageReference(reference);
  } catch (err) {
    throw new ClusterResourceError(`unable to generate IDMS/ITMS: ${(err as Error).message}`, { cause: err });
  }
}

function categoryOf(type: ImageType): Category {
  switch (type) {
    case 'ocpRelease':
    case 'ocpReleaseContent':
    case 'cincinnatiGraph':
      return 'release';
    case 'operatorBundle':
    case 'operatorRelatedImage':
    case 'operatorCatalog':
      return 'operator';
    case 'generic':
    case 'helmImage':
      return 'generic';
  }
}

/**
 * Namespace scope when the destination repository path is the source path or ends with `/<source path>`
 * (so the namespace can be swapped); otherwise, or when forced, repository scope. The source side is the
 * repository as a cluster resolves it (`docker.io/library/nginx` for `nginx:1`).
 */
function scope(
  origin: ImageReference,
  destination: ImageReference,
  forceRepositoryScope: boolean,
): { source: string; mirror: string } {
  const pull = toPullLocation(origin);
  const sourcePath = pull.repository;
  const sourceRepository = `${pull.registry}/${sourcePath}`;
  const destinationRepository = repositoryName(destination);
  const namespaceScope =
    !forceRepositoryScope && (destination.path === sourcePath || destination.path.endsWith(`/${sourcePath}`));
  if (!namespaceScope) return { source: sourceRepository, mirror: destinationRepository };
  return {
    source: withoutLastComponent(pull.registry, sourcePath),
    mirror: withoutLastComponent(destination.registry, destination.path),
  };
}

/** `<domain>/<path minus its last component>`, or just `<domain>` for a one-component path. */
function withoutLastComponent(domain: string, path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return domain;
  return domain ? `${domain}/${path.slice(0, slash)}` : path.slice(0, slash);
}

function add(table: MirrorTable, category: Category, source: string, mirror: string): void {
  let sources = table.get(category);
  if (!sources) {
    sources = new Map();
    table.set(category, sources);
  }
  let mirrors = sources.get(source);
  if (!mirrors) {
    mirrors = new Set();
    sources.set(source, mirrors);
  }
  mirrors.add(mirror);
}

function render(
  table: MirrorTable,
  kind: 'ImageDigestMirrorSet' | 'ImageTagMirrorSet',
  opts: MirrorSetOptions,
): string {
  const prefix = kind === 'ImageDigestMirrorSet' ? 'idms' : 'itms';
  const listKey = kind === 'ImageDigestMirrorSet' ? 'imageDigestMirrors' : 'imageTagMirrors';
  let text = '';
  for (const category of CATEGORY_ORDER) {
    const sources = table.get(category);
    if (!sources) continue;
    const entries = [...sources.keys()].sort(byCodeUnit).map((source) => ({
      mirrors: [...(sources.get(source) as Set<string>)].sort(byCodeUnit),
      source,
    }));
    const document = {
      apiVersion: 'config.openshift.io/v1',
      kind,
      metadata: {
        annotations: {
          createdAt: opts.createdAt,
          createdBy: 'oc-mirror v2',
          'oc-mirror_version': opts.version,
        },
        name: `${prefix}-${category}-0`,
      },
      spec: { [listKey]: entries },
    };
    text += '---\n' + toYaml(document);
  }
  return text;
}

/**
 * The layout of oc-mirror's JSON→YAML (go-yaml v2) output: sorted keys, block sequences not indented
 * under their key, no line folding, and YAML 1.1 quoting (so an RFC 3339 time is written quoted).
 */
function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, sortMapEntries: true });
}
