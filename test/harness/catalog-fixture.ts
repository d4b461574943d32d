/**
 * Publishes oc-mirror's own test catalogs (test/fixtures/upstream/oc-mirror-integration/catalogs/…) into a real
 * registry, as oc-mirror's image-builders do with docker — but without docker: the catalog image is a small base
 * plus one layer holding the FBC tree under /configs, labelled like an opm-built catalog.
 *
 * Every `quay.io/oc-mirror/oc-mirror-dev…` image the FBC names (bundles, operands) is pushed too, as a small
 * generated image: tag references at the same tag, digest references by their own new digest — and the FBC text is
 * rewritten to name the local copies, so the catalog holds only references that resolve in the test registry.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningRegistry } from './registry-server.js';
import {
  buildImage,
  buildIndex,
  pushBuiltImage,
  pushBuiltIndex,
  type FixtureFormat,
  type Platform,
  type PushedImage,
} from './fixture-images.js';

export const UPSTREAM_REPOSITORY = 'quay.io/oc-mirror/oc-mirror-dev';
export const LOCAL_REPOSITORY = 'oc-mirror/oc-mirror-dev';
export const CONFIGS_LABEL = 'operators.operatorframework.io.index.configs.v1';

const here = fileURLToPath(new URL('.', import.meta.url));
/** test/fixtures/upstream (the compiled tests run from dist/test/harness). */
export const UPSTREAM_FIXTURES = join(here, '..', '..', '..', 'test', 'fixtures', 'upstream');
export const INTEGRATION_CATALOGS = join(UPSTREAM_FIXTURES, 'oc-mirror-integration', 'catalogs');
export const INTEGRATION_ISCS = join(UPSTREAM_FIXTURES, 'oc-mirror-integration', 'imagesetconfigs', 'operators');

export interface PublishedCatalog {
  /** `<host>/oc-mirror/oc-mirror-dev:<tag>` */
  ref: string;
  digest: string;
  image: PushedImage;
  /** Upstream reference (as in the fixture) → the local reference now in the FBC. */
  images: Map<string, string>;
  /** Local reference → pushed digest. */
  digests: Map<string, string>;
  /** The FBC files as published (path under /configs → text). */
  files: Record<string, string>;
}

export interface PublishOptions {
  /** Tag of the catalog image; default the catalog directory name. */
  tag?: string;
  /** Multi-arch catalog (an index with one image per platform); default single linux/amd64 image. */
  platforms?: Platform[];
  format?: FixtureFormat;
  /** Images already published for another catalog of the same registry (shared operands). */
  published?: Map<string, string>;
  publishedDigests?: Map<string, string>;
}

export async function publishCatalog(
  registry: RunningRegistry,
  catalogName: string,
  opts: PublishOptions = {},
): Promise<PublishedCatalog> {
  const root = join(INTEGRATION_CATALOGS, catalogName);
  const sources = await readTree(root);
  const images = opts.published ?? new Map<string, string>();
  const digests = opts.publishedDigests ?? new Map<string, string>();
  const pattern = /quay\.io\/oc-mirror\/oc-mirror-dev(?:@sha256:[0-9a-f]{64}|:[\w][\w.-]*)/g;
  const upstream = new Set<string>();
  for (const text of Object.values(sources)) for (const m of text.matchAll(pattern)) upstream.add(m[0]);
  for (const ref of [...upstream].sort()) {
    if (images.has(ref)) continue;
    const built = await buildImage({ seed: ref, layers: 1, layerSize: 256, format: opts.format });
    const at = ref.indexOf('@');
    const tag = at >= 0 ? undefined : ref.slice(ref.lastIndexOf(':') + 1);
    const pushed = await pushBuiltImage(registry, tag ? `${LOCAL_REPOSITORY}:${tag}` : LOCAL_REPOSITORY, built);
    const local = tag
      ? `${registry.host}/${LOCAL_REPOSITORY}:${tag}`
      : `${registry.host}/${LOCAL_REPOSITORY}@${pushed.digest}`;
    images.set(ref, local);
    digests.set(local, pushed.digest);
  }
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(sources)) {
    files[`configs/${path}`] = text.replace(pattern, (m) => images.get(m) ?? m);
  }
  const tag = opts.tag ?? catalogName;
  const spec = {
    seed: `catalog/${catalogName}`,
    layers: 1,
    layerSize: 1024,
    files,
    labels: { [CONFIGS_LABEL]: '/configs' },
    format: opts.format,
  };
  const image = opts.platforms
    ? await pushBuiltIndex(
        registry,
        `${LOCAL_REPOSITORY}:${tag}`,
        await buildIndex({ ...spec, platforms: opts.platforms }),
      )
    : await pushBuiltImage(registry, `${LOCAL_REPOSITORY}:${tag}`, await buildImage(spec));
  return {
    ref: `${registry.host}/${LOCAL_REPOSITORY}:${tag}`,
    digest: image.digest,
    image,
    images,
    digests,
    files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k.slice('configs/'.length), v])),
  };
}

/** An ISC of oc-mirror's integration tests with its catalogs pointed at `host` (and digests substituted). */
export async function integrationIsc(
  name: string,
  host: string,
  substitutions: Record<string, string> = {},
): Promise<string> {
  let text = await readFile(join(INTEGRATION_ISCS, name), 'utf8');
  for (const [from, to] of Object.entries(substitutions)) text = text.split(from).join(to);
  return text.split(UPSTREAM_REPOSITORY).join(`${host}/${LOCAL_REPOSITORY}`);
}

async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out[relative(root, full)] = await readFile(full, 'utf8');
    }
  };
  await walk(root);
  return out;
}
