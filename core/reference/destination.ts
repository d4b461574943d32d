/**
 * Where each kind of image is written (spec core.md §8.2, collectors.md §1.11, §2.12, §3.3, §4.1).
 * The source registry host is dropped and the source repository path kept under the destination root;
 * digest-only images get the tag `sha256-<hex>`; tag+digest images are pulled by digest and pushed by tag.
 *
 * `destRoot` is `localhost:<port>` (M2D cache) or `<R>` (`mirror.example.com:5000/disconnected`, M2M/D2M),
 * without transport. Every returned reference carries its transport (`docker://…`, `oci://…`), like
 * oc-mirror's mapping.txt. In D2M pass `cacheRoot`: the source is then the cache copy, at the same
 * repository and tag as the destination.
 */
import { ReferenceParseError } from './reference-error.js';
import { DOCKER_TRANSPORT, formatPullReference, isDigestOnly, parseImageReference } from './image-reference.js';
import type { ImageReference } from './image-reference.js';
import { pathComponentProblem, repositoryPathProblem, tagProblem } from './reference-grammar.js';
import { digestTag } from './digest-tag.js';

export { applyMaxNestedPaths } from './max-nested-paths.js';
export { digestTag } from './digest-tag.js';

/** Repository of release payloads under the destination root. */
export const RELEASE_IMAGES_REPOSITORY = 'openshift/release-images';
/** Repository of release components (and the KubeVirt image). */
export const RELEASE_COMPONENTS_REPOSITORY = 'openshift/release';
export const GRAPH_IMAGE_REPOSITORY = 'openshift/graph-image';
export const GRAPH_IMAGE_TAG = 'latest';
/** Tag given to `oci://` images that have no `targetTag`. */
export const OCI_DEFAULT_TAG = 'latest';

/** One copy instruction; both sides with transport. */
export interface CopyPair {
  source: string;
  destination: string;
}

export interface FromCacheOption {
  /** D2M: read from this cache root (`localhost:<port>`) at the destination's repository and tag. */
  cacheRoot?: string;
}

export interface AdditionalImageOptions extends FromCacheOption {
  /** Replaces the repository path (validated like the ISC's `targetRepo`). */
  targetRepo?: string;
  targetTag?: string;
}

/** An entry of `mirror.additionalImages[]` (collectors.md §4.1). */
export function additionalImageDestination(
  origin: string,
  destRoot: string,
  opts: AdditionalImageOptions = {},
): CopyPair {
  const ref = parseImageReference(origin);
  const targetRepo = nonEmpty(opts.targetRepo);
  const targetTag = nonEmpty(opts.targetTag);
  if (targetRepo !== undefined) {
    const problem = repositoryPathProblem(targetRepo);
    if (problem) throw new ReferenceParseError(origin, `targetRepo: ${problem}`);
  }
  if (targetTag !== undefined) {
    const problem = tagProblem(targetTag);
    if (problem) throw new ReferenceParseError(origin, `targetTag: ${problem}`);
  }

  if (ref.transport !== DOCKER_TRANSPORT) {
    const repository = targetRepo ?? ociRepository(origin, ref.path, 'targetRepo');
    return pair(origin, destRoot, repository, targetTag ?? OCI_DEFAULT_TAG, opts.cacheRoot, origin);
  }
  const tag = targetTag ?? ref.tag ?? digestTag(ref.digest as string);
  return pair(origin, destRoot, targetRepo ?? ref.path, tag, opts.cacheRoot, upstreamSource(ref));
}

/** An image found in a Helm chart: like an additional image without overrides (collectors.md §3.3). */
export function helmImageDestination(origin: string, destRoot: string, opts: FromCacheOption = {}): CopyPair {
  return registryImagePair(origin, destRoot, opts, 'a Helm chart image');
}

/** An operator bundle or related image (collectors.md §2.12); `oci://` is refused like oc-mirror does. */
export function operatorImageDestination(origin: string, destRoot: string, opts: FromCacheOption = {}): CopyPair {
  return registryImagePair(origin, destRoot, opts, 'an operator bundle or related image');
}

export interface CatalogOptions extends FromCacheOption {
  targetCatalog?: string;
  /** After pinning this holds the original tag (§1.12). */
  targetTag?: string;
  /**
   * M2M/D2M, digest-only catalog without targetTag: the digest of the rebuilt (filtered) catalog manifest,
   * which names the destination tag instead of the original digest.
   */
  rebuiltDigest?: string;
}

/**
 * An operator catalog (§8.2): repository `targetCatalog`, else the OCI directory's basename for
 * `oci://`, else the source path; tag `targetTag`, else `latest` for `oci://`, else the digest tag for
 * digest-only, else the source tag. In D2M the caller reads the rebuilt image ({@link rebuiltCatalogReference}).
 */
export function operatorCatalogDestination(origin: string, destRoot: string, opts: CatalogOptions = {}): CopyPair {
  const ref = parseImageReference(origin);
  const repository = catalogRepository(origin, opts.targetCatalog);
  const targetTag = nonEmpty(opts.targetTag);
  if (targetTag !== undefined) {
    const problem = tagProblem(targetTag);
    if (problem) throw new ReferenceParseError(origin, `targetTag: ${problem}`);
  }
  let tag: string;
  if (targetTag !== undefined) tag = targetTag;
  else if (ref.transport !== DOCKER_TRANSPORT) tag = OCI_DEFAULT_TAG;
  else if (isDigestOnly(ref)) tag = digestTag(opts.rebuiltDigest ?? (ref.digest as string));
  else tag = ref.tag as string;
  const source = ref.transport === DOCKER_TRANSPORT ? upstreamSource(ref) : origin;
  return pair(origin, destRoot, repository, tag, opts.cacheRoot, source);
}

/** The repository a catalog is stored under (see {@link operatorCatalogDestination}). */
export function catalogRepository(origin: string, targetCatalog?: string): string {
  const ref = parseImageReference(origin);
  const target = nonEmpty(targetCatalog);
  if (target !== undefined) {
    const problem = repositoryPathProblem(target);
    if (problem) throw new ReferenceParseError(origin, `targetCatalog: ${problem}`);
    return target;
  }
  if (ref.transport === DOCKER_TRANSPORT) return ref.path;
  const basename = ref.path.replace(/\/+$/, '').split('/').pop() ?? '';
  return ociRepository(origin, basename, 'targetCatalog');
}

/** The filtered catalog rebuilt in the cache: `docker://<cacheRoot>/<repository>:<filterDigest>` (§8.4). */
export function rebuiltCatalogReference(cacheRoot: string, repository: string, filterDigest: string): string {
  return dockerReference(`rebuilt catalog ${repository}`, cacheRoot, repository, filterDigest);
}

/**
 * The release tag of a payload reference: its tag (the signature identity's, e.g. `4.18.1-x86_64`), or
 * for a digest-only reference the digest hex (collectors.md §1.11).
 */
export function releaseTag(reference: string): string {
  const ref = parseImageReference(reference);
  if (ref.tag !== undefined) return ref.tag;
  const digest = ref.digest as string;
  return digest.slice(digest.indexOf(':') + 1);
}

/** `docker://<destRoot>/openshift/release-images:<releaseTag>`. */
export function releaseDestination(destRoot: string, tag: string): string {
  return dockerReference(`release ${tag}`, destRoot, RELEASE_IMAGES_REPOSITORY, tag);
}

/** `docker://<destRoot>/openshift/release:<releaseTag>-<component>` (components and the KubeVirt image). */
export function releaseComponentDestination(destRoot: string, tag: string, component: string): string {
  return dockerReference(
    `release ${tag} component ${component}`,
    destRoot,
    RELEASE_COMPONENTS_REPOSITORY,
    `${tag}-${component}`,
  );
}

/** `kube-virt-container`, or `kube-virt-container-<key>` when several architecture keys are requested. */
export function kubeVirtComponentName(architectureKey?: string): string {
  return architectureKey ? `kube-virt-container-${architectureKey}` : 'kube-virt-container';
}

/** `docker://<destRoot>/openshift/graph-image:latest`. */
export function graphImageDestination(destRoot: string): string {
  return dockerReference('graph image', destRoot, GRAPH_IMAGE_REPOSITORY, GRAPH_IMAGE_TAG);
}

function registryImagePair(origin: string, destRoot: string, opts: FromCacheOption, what: string): CopyPair {
  const ref = parseImageReference(origin);
  if (ref.transport !== DOCKER_TRANSPORT) {
    throw new ReferenceParseError(origin, `${ref.transport} is not supported for ${what}`);
  }
  const tag = ref.tag ?? digestTag(ref.digest as string);
  return pair(origin, destRoot, ref.path, tag, opts.cacheRoot, upstreamSource(ref));
}

/** Upstream docker source with transport; a tag+digest reference is pulled by its digest. */
function upstreamSource(ref: ImageReference): string {
  return formatPullReference(ref, { withTransport: true });
}

function pair(
  origin: string,
  destRoot: string,
  repository: string,
  tag: string,
  cacheRoot: string | undefined,
  upstream: string,
): CopyPair {
  const destination = dockerReference(origin, destRoot, repository, tag);
  const source = cacheRoot === undefined ? upstream : dockerReference(origin, cacheRoot, repository, tag);
  return { source, destination };
}

/**
 * `docker://<root>/<repository>:<tag>`, validated: a bad result is reported against `context` (the origin),
 * so the user sees which configured image produced it.
 */
function dockerReference(context: string, root: string, repository: string, tag: string): string {
  const text = `${DOCKER_TRANSPORT}${stripRoot(root)}/${repository}:${tag}`;
  try {
    parseImageReference(text);
  } catch (err) {
    if (err instanceof ReferenceParseError) {
      throw new ReferenceParseError(context, `destination "${text}" would be invalid: ${err.problem}`);
    }
    throw err;
  }
  return text;
}

function stripRoot(root: string): string {
  const bare = root.startsWith(DOCKER_TRANSPORT) ? root.slice(DOCKER_TRANSPORT.length) : root;
  return bare.replace(/\/+$/, '');
}

/** An OCI layout path used as a repository name: leading/trailing `/` removed, every component valid. */
function ociRepository(origin: string, path: string, overrideKey: string): string {
  const repository = path.replace(/^\/+/, '').replace(/\/+$/, '');
  for (const component of repository.split('/')) {
    const problem = pathComponentProblem(component);
    if (problem) {
      throw new ReferenceParseError(
        origin,
        `the OCI layout path cannot be used as a repository name: ${problem}`,
        `set ${overrideKey} to choose the repository name at the destination`,
      );
    }
  }
  return repository;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
