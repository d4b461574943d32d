/**
 * CatalogSource (OLM v0) and ClusterCatalog (OLM v1) generation for mirrored operator catalogs (spec core.md
 * §5.3, §5.4; naming collectors.md §2.12). One `cs-<repo>-<suffix>.yaml` and one `cc-<repo>-<suffix>.yaml`
 * per catalog destination, keys sorted like oc-mirror's JSON→YAML output. Deliberate differences from
 * oc-mirror are listed in docs/decisions.md ("CatalogSource and ClusterCatalog").
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Document } from 'yaml';
import type { Operator } from '../config/image-set-config.js';
import {
  DOCKER_TRANSPORT,
  digestHex,
  isDigestOnly,
  parseImageReference,
  stripTransport,
} from '../reference/image-reference.js';
import type { ImageReference } from '../reference/image-reference.js';
import { ClusterResourceError } from './cluster-resource-error.js';
import { byCodeUnit } from '../code-unit-order.js';

export const CATALOG_SOURCE_API_VERSION = 'operators.coreos.com/v1alpha1';
export const CATALOG_SOURCE_KIND = 'CatalogSource';
export const CATALOG_SOURCE_NAMESPACE = 'openshift-marketplace';
export const CLUSTER_CATALOG_API_VERSION = 'olm.operatorframework.io/v1';
export const CLUSTER_CATALOG_KIND = 'ClusterCatalog';

/** Characters of the tag (or digest hex) kept in the name suffix. */
const SUFFIX_LENGTH = 12;
const MAX_NAME_LENGTH = 63;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const RFC1123_LIKE = /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/;
/** Kubernetes' IsDNS1035Label messages, which oc-mirror prints. */
const DNS1035_MAX_LENGTH_MESSAGE = `must be no more than ${MAX_NAME_LENGTH} characters`;
const DNS1035_REGEX_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
  "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " +
  "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** One catalog image that reached the destination (not the M2M copy kept in the cache). */
export interface CatalogResourceInput {
  /** The catalog reference as in the ImageSetConfiguration (the copied image's origin). */
  origin: string;
  /** The final reference at the destination, `docker://host/path:tag` (or `@sha256:…`). */
  destination: string;
  /** The ISC entry of this catalog; only its `targetCatalogSourceTemplate` is used. */
  operator?: Operator;
}

export interface CatalogResourceOptions {
  /** RFC 3339 UTC time written into the `createdAt` annotation. */
  createdAt: string;
  /** Written into the `oc-mirror_version` annotation. */
  version: string;
  /**
   * Directory of the ImageSetConfiguration: a relative `targetCatalogSourceTemplate` is looked up there first,
   * then in the current directory (where oc-mirror looks). Without it, only the current directory.
   */
  configDir?: string;
  /** Receives template problems (the catalog then gets a plain CatalogSource) and name collisions. */
  onWarning?(message: string): void;
}

/**
 * `cs-<last path component of the repository>-<suffix>` (core.md §5.3). The suffix is the first 12 characters
 * of the tag, lower-cased with every character outside `[a-z0-9-]` turned into `-`; for a digest-only reference
 * the first 12 hex characters of the digest (`0` if that would be empty). Then every `.` of the name becomes `-`.
 * Throws {@link ClusterResourceError} when the reference cannot be parsed or the name is not a valid
 * Kubernetes name (more than 63 characters, `_` in the repository name, a suffix ending in `-`, …).
 */
export function catalogSourceName(destination: string): string {
  return resourceName('cs-', parseDestination(destination), destination, 'catalog source');
}

/** The ClusterCatalog name: the CatalogSource rule with the prefix `cc-` (core.md §5.4). */
export function clusterCatalogName(destination: string): string {
  return resourceName('cc-', parseDestination(destination), destination, 'cluster catalog');
}

/**
 * The ISC entry of a catalog, by its origin: the entry whose `catalog` equals it, else oc-mirror's rule, the
 * first entry whose `catalog` is contained in it.
 */
export function findCatalogOperator(origin: string, operators: readonly Operator[]): Operator | undefined {
  return operators.find((op) => op.catalog === origin) ?? operators.find((op) => origin.includes(op.catalog));
}

/**
 * Builds file name → YAML text: every `cs-*.yaml` (sorted by name), then every `cc-*.yaml` (sorted by name).
 * A destination listed twice gives one pair of files. When two destinations give the same name, the one that
 * sorts first is kept and the other is reported through `onWarning` (oc-mirror would overwrite the file).
 * A `targetCatalogSourceTemplate` that cannot be used is reported through `onWarning` and a plain CatalogSource
 * is written instead, like oc-mirror. Throws {@link ClusterResourceError} for an invalid name or destination.
 */
export async function generateCatalogResources(
  catalogs: readonly CatalogResourceInput[],
  opts: CatalogResourceOptions,
): Promise<Map<string, string>> {
  type Entry = { input: CatalogResourceInput };
  const byName = new Map<string, Entry>();
  const sorted = [...catalogs].sort((a, b) => byCodeUnit(a.destination, b.destination));
  const seen = new Set<string>();
  for (const input of sorted) {
    const name = catalogSourceName(input.destination);
    if (seen.has(input.destination)) continue;
    seen.add(input.destination);
    const kept = byName.get(name);
    if (kept) {
      opts.onWarning?.(
        `catalog ${input.destination} gets no CatalogSource or ClusterCatalog: ${kept.input.destination} has ` +
          `the same name (${name}.yaml, cc-${name.slice('cs-'.length)}.yaml); set targetCatalog or targetTag ` +
          'to tell them apart',
      );
      continue;
    }
    byName.set(name, { input });
  }

  const files = new Map<string, string>();
  const names = [...byName.keys()].sort(byCodeUnit);
  for (const name of names) {
    const { input } = byName.get(name) as Entry;
    // spec.image is the destination exactly as written after `docker://` (oc-mirror's `Reference`).
    files.set(`${name}.yaml`, toYaml(await catalogSource(name, stripTransport(input.destination), input, opts)));
  }
  for (const name of names) {
    const ccName = `cc-${name.slice('cs-'.length)}`;
    const { input } = byName.get(name) as Entry;
    files.set(`${ccName}.yaml`, toYaml(clusterCatalog(ccName, stripTransport(input.destination), opts)));
  }
  return files;
}

/**
 * Writes the generated files into `dir` (normally `working-dir/cluster-resources`), each through a temporary file
 * and a rename; returns the paths written, in {@link generateCatalogResources} order. Nothing is written when a
 * name is invalid.
 */
export async function writeCatalogResources(
  dir: string,
  catalogs: readonly CatalogResourceInput[],
  opts: CatalogResourceOptions,
): Promise<string[]> {
  const files = await generateCatalogResources(catalogs, opts);
  const written: string[] = [];
  if (files.size === 0) return written;
  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) {
    const path = join(dir, name);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
    written.push(path);
  }
  return written;
}

function parseDestination(destination: string): ImageReference {
  let ref: ImageReference;
  try {
    ref = parseImageReference(destination);
  } catch (err) {
    throw new ClusterResourceError(`unable to generate CatalogSource: ${(err as Error).message}`, { cause: err });
  }
  if (ref.transport !== DOCKER_TRANSPORT) {
    throw new ClusterResourceError(
      `unable to generate CatalogSource: ${destination} is not a registry reference (docker://)`,
    );
  }
  return ref;
}

function resourceName(prefix: 'cs-' | 'cc-', ref: ImageReference, destination: string, what: string): string {
  let suffix: string;
  if (isDigestOnly(ref)) {
    suffix = digestHex(ref.digest as string).slice(0, SUFFIX_LENGTH);
  } else {
    suffix = (ref.tag ?? '')
      .slice(0, SUFFIX_LENGTH)
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');
  }
  if (suffix === '') suffix = '0';
  const repository = ref.path.slice(ref.path.lastIndexOf('/') + 1);
  const name = `${prefix}${repository}-${suffix}`.replaceAll('.', '-');
  const problems: string[] = [];
  if (name.length > MAX_NAME_LENGTH) problems.push(DNS1035_MAX_LENGTH_MESSAGE);
  if (!DNS1035_LABEL.test(name)) problems.push(DNS1035_REGEX_MESSAGE);
  const rfc1123Like = RFC1123_LIKE.test(name) && name.length <= MAX_NAME_LENGTH;
  if (problems.length > 0 && !rfc1123Like) {
    throw new ClusterResourceError(
      `error creating ${what} name: ${problems.join(', ')} (name "${name}" for ${destination})`,
      {
        hint:
          'the name is built from the last repository component and the tag of the catalog at the destination: ' +
          'set targetCatalog and/or targetTag on the operator entry to get a valid one',
      },
    );
  }
  return name;
}

function annotations(opts: CatalogResourceOptions): Record<string, string> {
  return { createdAt: opts.createdAt, createdBy: 'oc-mirror v2', 'oc-mirror_version': opts.version };
}

async function catalogSource(
  name: string,
  image: string,
  input: CatalogResourceInput,
  opts: CatalogResourceOptions,
): Promise<Record<string, unknown>> {
  const templatePath = input.operator?.targetCatalogSourceTemplate;
  if (templatePath) {
    const template = await loadTemplate(templatePath, opts.configDir);
    if ('problem' in template) {
      opts.onWarning?.(
        `targetCatalogSourceTemplate ${template.file} of catalog ${input.origin}: ${template.problem}; ` +
          `${name}.yaml is generated without the template`,
      );
    } else {
      return mergeTemplate(template.object, name, image, opts);
    }
  }
  return {
    apiVersion: CATALOG_SOURCE_API_VERSION,
    kind: CATALOG_SOURCE_KIND,
    metadata: { annotations: annotations(opts), name, namespace: CATALOG_SOURCE_NAMESPACE },
    spec: { image, sourceType: 'grpc' },
  };
}

/**
 * Template fields kept: `metadata` and `spec` (everything but `metadata.creationTimestamp`); overwritten: name,
 * namespace, `spec.sourceType`, `spec.image`; annotations merged, ours winning. `status` and unknown top-level
 * keys are dropped.
 */
function mergeTemplate(
  template: Record<string, unknown>,
  name: string,
  image: string,
  opts: CatalogResourceOptions,
): Record<string, unknown> {
  const metadata = { ...((template.metadata as Record<string, unknown> | undefined) ?? {}) };
  delete metadata.creationTimestamp;
  metadata.annotations = {
    ...((metadata.annotations as Record<string, string> | undefined) ?? {}),
    ...annotations(opts),
  };
  metadata.name = name;
  metadata.namespace = CATALOG_SOURCE_NAMESPACE;
  const spec = { ...((template.spec as Record<string, unknown> | undefined) ?? {}), image, sourceType: 'grpc' };
  return { apiVersion: CATALOG_SOURCE_API_VERSION, kind: CATALOG_SOURCE_KIND, metadata, spec };
}

type LoadedTemplate = { file: string; object: Record<string, unknown> } | { file: string; problem: string };

async function loadTemplate(path: string, configDir: string | undefined): Promise<LoadedTemplate> {
  const file = await templateLocation(path, configDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const other = resolve(path);
      const tried = isAbsolute(path) || configDir === undefined || other === file ? '' : ` (nor does ${other})`;
      return { file, problem: `file does not exist${tried}` };
    }
    return { file, problem: `cannot be read: ${(err as Error).message}` };
  }
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) return { file, problem: 'is empty (expected a CatalogSource)' };
  if (docs.length > 1) return { file, problem: 'contains several YAML documents (expected one CatalogSource)' };
  const doc = docs[0] as Document.Parsed;
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    // prettyErrors puts the position (which we print first) and a code excerpt into the message.
    const message = (error.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
    return { file, problem: `is not valid YAML${at}: ${message}` };
  }
  if (doc.contents === null) return { file, problem: 'is empty (expected a CatalogSource)' };
  const object = withoutNulls(doc.toJS());
  const problem = templateProblem(object);
  if (problem) return { file, problem };
  return { file, object: object as Record<string, unknown> };
}

/** configDir/path when it exists (or no fallback applies), else path from the current directory if it exists. */
async function templateLocation(path: string, configDir: string | undefined): Promise<string> {
  if (isAbsolute(path) || configDir === undefined) return resolve(path);
  const preferred = resolve(configDir, path);
  const fallback = resolve(path);
  if (preferred === fallback || (await exists(preferred)) || !(await exists(fallback))) return preferred;
  return fallback;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** oc-mirror's template checks, plus the shape checks its typed decoding implies. */
function templateProblem(value: unknown): string | undefined {
  if (!isMapping(value)) return 'is not a YAML mapping (expected a CatalogSource)';
  if (value.apiVersion !== CATALOG_SOURCE_API_VERSION) {
    return `apiVersion must be ${CATALOG_SOURCE_API_VERSION}, found ${describe(value.apiVersion)}`;
  }
  if (value.kind !== CATALOG_SOURCE_KIND) return `kind must be ${CATALOG_SOURCE_KIND}, found ${describe(value.kind)}`;
  const { metadata, spec } = value;
  if (metadata !== undefined) {
    if (!isMapping(metadata)) return 'metadata must be a mapping';
    for (const key of ['annotations', 'labels']) {
      const map = metadata[key];
      if (map !== undefined && (!isMapping(map) || Object.values(map).some((v) => typeof v !== 'string'))) {
        return `metadata.${key} must map names to strings`;
      }
    }
  }
  if (spec !== undefined) {
    if (!isMapping(spec)) return 'spec must be a mapping';
    if (spec.sourceType !== undefined && spec.sourceType !== '' && spec.sourceType !== 'grpc') {
      return `spec.sourceType must be grpc or empty, found ${describe(spec.sourceType)}`;
    }
    if (spec.configMap !== undefined && spec.configMap !== '') return 'spec.configMap must not be set';
  }
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/** Drops null mapping values, recursively (Go's typed decoding leaves such fields unset, so they are omitted). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) out[key] = withoutNulls(v);
  }
  return out;
}

function clusterCatalog(name: string, image: string, opts: CatalogResourceOptions): Record<string, unknown> {
  return {
    apiVersion: CLUSTER_CATALOG_API_VERSION,
    kind: CLUSTER_CATALOG_KIND,
    metadata: { annotations: annotations(opts), name },
    // priority has no omitempty in oc-mirror's type, so 0 is written.
    spec: { priority: 0, source: { image: { ref: image }, type: 'Image' } },
  };
}

/** go-yaml's layout, as in idms-itms.ts: sorted keys, unindented block sequences, no folding, YAML 1.1 quoting. */
function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, sortMapEntries: true });
}
