/**
 * Catalog pinning and the generated `isc_pinned_<time>.yaml` / `disc_pinned_<time>.yaml` files (core.md §1.12).
 * The YAML mirrors oc-mirror's (Go JSON field rules, then YAML with sorted keys): fields without `omitempty` are
 * always written (`type: ocp`, `packages: null`, `charts: null`, `os`/`architecture`), the others only when set.
 * Quoting follows go-yaml v2 (strings such as "1.0", "yes" in double quotes, `{…}` in single quotes) but is not
 * byte-verified against it for exotic strings (line folding, special characters).
 */
import { Document, visit } from 'yaml';
import { resolvePlainScalar } from './go-yaml-scalar.js';
import { parseConfigImageRef } from './config-reference.js';
import {
  CONFIG_API_VERSION,
  DELETE_IMAGE_SET_CONFIGURATION_KIND,
  IMAGE_SET_CONFIGURATION_KIND,
  type DeleteImageSetConfiguration,
  type HelmChart,
  type ImageSetConfiguration,
  type ImageSetSpec,
  type Operator,
} from './image-set-config.js';
import type { Platform } from '../image-types.js';

/**
 * Pin tag-referenced docker catalogs to digests (oc-mirror's PinCatalogDigests). `digestOf` returns the resolved
 * manifest digest (`sha256:<hex>` or bare hex) or undefined when resolution failed (best effort: left as is).
 * Like oc-mirror, the original tag is copied into an empty `targetTag` before resolving, even if resolution fails.
 * Returns a new configuration; the input is not modified.
 */
export function pinCatalogs(
  config: ImageSetConfiguration,
  digestOf: (catalog: string) => string | undefined,
): ImageSetConfiguration {
  const operators = config.mirror.operators?.map((operator): Operator => {
    let spec;
    try {
      spec = parseConfigImageRef(operator.catalog);
    } catch {
      return operator;
    }
    if (spec.transport === 'oci://' || spec.digest !== '') return operator;
    const pinned: Operator = { ...operator };
    if (!pinned.targetTag && spec.tag) pinned.targetTag = spec.tag;
    const digest = digestOf(operator.catalog);
    if (!digest) return pinned;
    const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
    const reference = `${spec.name}@sha256:${hex}`;
    pinned.catalog = spec.transport === 'docker://' ? reference : `${spec.transport}${reference}`;
    return pinned;
  });
  return operators ? { ...config, mirror: { ...config.mirror, operators } } : config;
}

/** `isc_pinned_2025-12-31T11:37:17Z.yaml` (Go's time.RFC3339 in UTC: no fractional seconds). */
export function pinnedConfigFileName(kind: 'isc' | 'disc', at: Date): string {
  return `${kind}_pinned_${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}.yaml`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Set `key` only when the value is not Go's zero value (`omitempty`). */
function omitEmpty(target: Record<string, Json>, key: string, value: Json | undefined): void {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return;
  target[key] = value;
}

function platformsJson(platforms: Platform[] | undefined): Json | undefined {
  return platforms?.map((p) => ({ os: p.os, architecture: p.architecture }));
}

function chartJson(chart: HelmChart): Json {
  const out: Record<string, Json> = { name: chart.name ?? '' };
  omitEmpty(out, 'version', chart.version);
  omitEmpty(out, 'path', chart.path);
  omitEmpty(out, 'imagePaths', chart.imagePaths);
  omitEmpty(out, 'platforms', platformsJson(chart.platforms));
  return out;
}

function operatorJson(op: Operator): Json {
  const out: Record<string, Json> = {
    packages:
      op.packages === undefined
        ? null
        : op.packages.map((pkg) => {
            const p: Record<string, Json> = { name: pkg.name };
            omitEmpty(
              p,
              'channels',
              pkg.channels?.map((ch) => {
                const c: Record<string, Json> = { name: ch.name };
                omitEmpty(c, 'minVersion', ch.minVersion);
                omitEmpty(c, 'maxVersion', ch.maxVersion);
                return c;
              }),
            );
            omitEmpty(p, 'defaultChannel', pkg.defaultChannel);
            omitEmpty(p, 'minVersion', pkg.minVersion);
            omitEmpty(p, 'maxVersion', pkg.maxVersion);
            return p;
          }),
    catalog: op.catalog,
  };
  omitEmpty(out, 'targetCatalog', op.targetCatalog);
  omitEmpty(out, 'targetTag', op.targetTag);
  omitEmpty(out, 'full', op.full);
  omitEmpty(out, 'skipDependencies', op.skipDependencies);
  omitEmpty(out, 'targetCatalogSourceTemplate', op.targetCatalogSourceTemplate);
  omitEmpty(out, 'platforms', platformsJson(op.platforms));
  return out;
}

function specJson(spec: ImageSetSpec, withBlocked: boolean): Json {
  const out: Record<string, Json> = {};
  const platform = spec.platform;
  if (platform) {
    const p: Record<string, Json> = {};
    omitEmpty(p, 'graph', platform.graph);
    omitEmpty(
      p,
      'channels',
      platform.channels?.map((ch) => {
        const c: Record<string, Json> = { name: ch.name, type: ch.type };
        omitEmpty(c, 'minVersion', ch.minVersion);
        omitEmpty(c, 'maxVersion', ch.maxVersion);
        omitEmpty(c, 'shortestPath', ch.shortestPath);
        omitEmpty(c, 'full', ch.full);
        return c;
      }),
    );
    omitEmpty(p, 'architectures', platform.architectures);
    omitEmpty(p, 'platforms', platformsJson(platform.platforms));
    omitEmpty(p, 'release', platform.release);
    omitEmpty(p, 'kubeVirtContainer', platform.kubeVirtContainer);
    omitEmpty(out, 'platform', p);
  }
  omitEmpty(out, 'operators', spec.operators?.map(operatorJson));
  omitEmpty(
    out,
    'additionalImages',
    spec.additionalImages?.map((img) => {
      const i: Record<string, Json> = { name: img.name };
      omitEmpty(i, 'targetRepo', img.targetRepo);
      omitEmpty(i, 'targetTag', img.targetTag);
      omitEmpty(i, 'platforms', platformsJson(img.platforms));
      return i;
    }),
  );
  if (spec.helm) {
    const h: Record<string, Json> = {};
    omitEmpty(
      h,
      'repositories',
      spec.helm.repositories?.map((repo) => ({
        url: repo.url,
        name: repo.name,
        charts: repo.charts === undefined ? null : repo.charts.map(chartJson),
      })),
    );
    omitEmpty(h, 'local', spec.helm.local?.map(chartJson));
    omitEmpty(out, 'helm', h);
  }
  if (withBlocked)
    omitEmpty(
      out,
      'blockedImages',
      spec.blockedImages?.map((b) => ({ name: b.name })),
    );
  omitEmpty(
    out,
    'samples',
    spec.samples?.map((s) => ({ name: s.name ?? '' })),
  );
  return out;
}

/**
 * go-yaml v2 style: 2-space indent, sequences not indented under their key, sorted keys, strings that would read
 * back as another type in double quotes, other strings that cannot be plain in single quotes.
 */
function toYaml(value: Json): string {
  const doc = new Document(value, { version: '1.1', sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && resolvePlainScalar(node.value).kind !== 'string')
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indent: 2, indentSeq: false, lineWidth: 0, nullStr: 'null', singleQuote: true });
}

/** The pinned ISC file content. */
export function pinnedIscYaml(config: ImageSetConfiguration): string {
  const out: Record<string, Json> = {
    kind: IMAGE_SET_CONFIGURATION_KIND,
    apiVersion: CONFIG_API_VERSION,
    mirror: specJson(config.mirror, true),
  };
  omitEmpty(out, 'archiveSize', config.archiveSize);
  return toYaml(out);
}

/** The DISC derived from a pinned ISC: same platform, operators, additionalImages and helm (core.md §1.12). */
export function discFromIsc(config: ImageSetConfiguration): DeleteImageSetConfiguration {
  const { platform, operators, additionalImages, helm } = config.mirror;
  const spec: ImageSetSpec = {};
  if (platform) spec.platform = platform;
  if (operators) spec.operators = operators;
  if (additionalImages) spec.additionalImages = additionalImages;
  if (helm) spec.helm = helm;
  return { kind: DELETE_IMAGE_SET_CONFIGURATION_KIND, apiVersion: CONFIG_API_VERSION, delete: spec };
}

/** The pinned DISC file content. */
export function pinnedDiscYaml(config: DeleteImageSetConfiguration): string {
  return toYaml({
    kind: DELETE_IMAGE_SET_CONFIGURATION_KIND,
    apiVersion: CONFIG_API_VERSION,
    delete: specJson(config.delete, false),
  });
}
