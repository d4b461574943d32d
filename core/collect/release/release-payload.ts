/**
 * What the release collector reads from a payload image (collectors.md §1.8–§1.9): the `release-manifests/`
 * directory, streamed out of the layers of one platform image into
 * `working-dir/hold-release/<repo-basename>/<tag>/release-manifests/` (D2M reads it back from there), then the
 * component list of `image-references` and the KubeVirt images of the CoreOS boot-images ConfigMap.
 */
import { readFile } from 'node:fs/promises';
import { isDirectory } from '../../file-io.js';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OcmError } from '../../errors.js';
import type { ImageStore } from '../../store/image-store.js';
import { isIndexMediaType, parseManifest } from '../../registry/media-types.js';
import { extractTree } from '../../layers/extract-tree.js';
import type { Platform } from '../../image-types.js';
import { platformMatches } from '../../manifest/platform-filter.js';

export const RELEASE_MANIFESTS_DIR = 'release-manifests';
const IMAGE_REFERENCES = 'image-references';
const BOOTIMAGES = '0000_50_installer_coreos-bootimages.yaml';

export class ReleasePayloadError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('RELEASE_PAYLOAD', message, options);
  }
}

export interface ReleaseComponent {
  /** `etcd`, `machine-config-operator`, … */
  name: string;
  /** The by-digest reference the payload names. */
  image: string;
}

/** `working-dir/hold-release/<repo-basename>/<tag>` */
export function holdReleaseDir(workingDir: string, repository: string, tag: string): string {
  const basename = repository.replace(/\/+$/, '').split('/').pop() ?? repository;
  return join(workingDir, 'hold-release', basename, tag);
}

export interface ExtractManifestsOptions {
  store: ImageStore;
  repository: string;
  /** Tag or digest of the payload. */
  reference: string;
  /** Where `release-manifests/` goes (a hold-release dir); left alone when it is already there. */
  target: string;
  /** The host platform is read when several are present (every instance names the same components). */
  preferred?: Platform;
  subject: string;
  signal: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Extracts `release-manifests/` once per payload; returns its path. */
export async function extractReleaseManifests(opts: ExtractManifestsOptions): Promise<string> {
  const dir = join(opts.target, RELEASE_MANIFESTS_DIR);
  if (await isDirectory(dir)) return dir;
  let manifest = await opts.store.getManifest(opts.repository, opts.reference, opts.signal);
  // An index (multi payloads): the preferred platform's image, else the first, through at most 5 nested indexes.
  for (let depth = 0; depth < 5; depth++) {
    const parsed = parseManifest(manifest.bytes, manifest.mediaType, opts.subject);
    if (parsed.kind === 'image') {
      return extractTree({
        store: opts.store,
        repository: opts.repository,
        layers: parsed.layers,
        dir: RELEASE_MANIFESTS_DIR,
        target: opts.target,
        subject: opts.subject,
        makeError: (message, options) => new ReleasePayloadError(message, options),
        emptyHint: 'is this an OpenShift release payload image?',
        signal: opts.signal,
        onBytes: opts.onBytes,
      });
    }
    const candidates = parsed.manifests.filter((d) => d.platform?.os !== 'unknown');
    const child =
      (opts.preferred &&
        candidates.find((d) => !isIndexMediaType(d.mediaType) && platformMatches(d.platform, [opts.preferred!]))) ??
      candidates[0];
    if (!child) throw new ReleasePayloadError(`${opts.subject}: the manifest list is empty`);
    manifest = await opts.store.getManifest(opts.repository, child.digest, opts.signal);
  }
  throw new ReleasePayloadError(`${opts.subject}: more than 5 nested manifest lists`);
}

/** The components of `release-manifests/image-references` (an ImageStream), in file order. */
export async function readImageReferences(manifestsDir: string, subject: string): Promise<ReleaseComponent[]> {
  const path = join(manifestsDir, IMAGE_REFERENCES);
  let doc: { kind?: unknown; spec?: { tags?: unknown } };
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as typeof doc;
  } catch (err) {
    throw new ReleasePayloadError(`${subject}: cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'the payload has no valid release-manifests/image-references',
    });
  }
  if (doc.kind !== 'ImageStream' || !Array.isArray(doc.spec?.tags)) {
    throw new ReleasePayloadError(`${subject}: ${path} is not an ImageStream with spec.tags`);
  }
  const components: ReleaseComponent[] = [];
  for (const [i, raw] of (doc.spec.tags as unknown[]).entries()) {
    const tag = raw as { name?: unknown; from?: { kind?: unknown; name?: unknown } };
    if (typeof tag.name !== 'string' || !tag.name || typeof tag.from?.name !== 'string' || !tag.from.name) {
      throw new ReleasePayloadError(`${subject}: ${path}: spec.tags[${i}] has no name or no from.name`);
    }
    components.push({ name: tag.name, image: tag.from.name });
  }
  return components;
}

/** Architecture key in the CoreOS stream (`x86_64`, `s390x`) per requested platform (§1.9). */
export function kubeVirtKeys(
  opts: { architectures?: string[]; platforms?: Platform[] },
  onWarning: (m: string) => void,
): string[] {
  const map: Record<string, string> = { amd64: 'x86_64', s390x: 's390x' };
  if (opts.platforms && opts.platforms.length > 0) {
    const keys: string[] = [];
    for (const p of opts.platforms) {
      const key = map[p.architecture];
      if (key) {
        if (!keys.includes(key)) keys.push(key);
      } else onWarning(`kubeVirtContainer: no KubeVirt image for architecture ${p.architecture} (skipped)`);
    }
    return keys.length > 0 ? keys : ['x86_64', 's390x'];
  }
  if (opts.architectures && opts.architectures.length > 0) {
    if (opts.architectures.includes('multi')) return ['x86_64', 's390x'];
    const keys = opts.architectures.map((a) => map[a]).filter((k): k is string => Boolean(k));
    return keys.length > 0 ? [...new Set(keys)] : ['x86_64'];
  }
  return ['x86_64'];
}

/** `architectures.<key>.images.kubevirt["digest-ref"]` of the boot-images ConfigMap, per key found. */
export async function readKubeVirtImages(
  manifestsDir: string,
  keys: string[],
  subject: string,
): Promise<Map<string, string>> {
  const path = join(manifestsDir, BOOTIMAGES);
  let stream: { architectures?: Record<string, { images?: { kubevirt?: { 'digest-ref'?: string } } }> };
  try {
    const configMap = parseYaml(await readFile(path, 'utf8')) as { data?: { stream?: string } };
    stream = JSON.parse(configMap.data?.stream ?? '') as typeof stream;
  } catch (err) {
    throw new ReleasePayloadError(`${subject}: cannot read the CoreOS stream in ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const found = new Map<string, string>();
  for (const key of keys) {
    const ref = stream.architectures?.[key]?.images?.kubevirt?.['digest-ref'];
    if (ref) found.set(key, ref);
  }
  if (found.size === 0) {
    throw new ReleasePayloadError(`${subject}: no KubeVirt container image for ${keys.join(', ')} in ${path}`, {
      hint: 'remove kubeVirtContainer: true, or use a release that ships a KubeVirt image (4.14 and later)',
    });
  }
  return found;
}
