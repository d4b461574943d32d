/**
 * Helm's `releaseutil.SortManifests(files, …, InstallOrder)`: splits every rendered file into YAML documents,
 * separates hooks (documents with a `helm.sh/hook` annotation) from the release manifests, and orders both by
 * kind in install order (unknown kinds last, alphabetically; ties keep file and document order).
 *
 * oc-mirror throws the hooks away, which loses e.g. ingress-nginx's certgen image (helm-rendering.md §1); they are
 * kept here in their own list so a caller can opt in. A hook with an unknown event is dropped altogether, as
 * Helm does. Each document's head (kind, name, annotations) is decoded as Helm decodes it; a document Helm cannot
 * decode fails the whole chart.
 */
import { GoYamlError, parseGoYaml } from './helm-yaml.js';

/** A YAML document of a rendered template. */
export interface Manifest {
  /** Template path, `mychart/templates/deployment.yaml` (or `crds/x.yaml` for CRDs). */
  readonly name: string;
  /** The document text, trimmed. */
  readonly content: string;
  readonly kind: string;
}

/** A rendered document that could not be decoded; `file` is the template path. */
export class ManifestError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'ManifestError';
    this.file = file;
  }
}

/** `releaseutil.InstallOrder`. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/** Hook events Helm 3 knows (`test-success` is the Helm 2 spelling of `test`). */
const HOOK_EVENTS = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
  'test-success',
]);

export const HOOK_ANNOTATION = 'helm.sh/hook';

/** `releaseutil.SplitManifests`: documents separated by `---` lines, trimmed, empty ones dropped. */
export function splitManifests(text: string): string[] {
  return text
    .trim()
    .split(/(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/)
    .filter((d) => d !== '')
    .map((d) => d.trim());
}

interface Head {
  kind: string;
  annotations?: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Decodes a document into Helm's `SimpleHead` (json-typed: `kind` and annotation values must be strings). */
function decodeHead(file: string, content: string): Head {
  let doc: unknown;
  try {
    doc = parseGoYaml(content);
  } catch (err) {
    // The line is counted within the rendered document, not the template file.
    const line = err instanceof GoYamlError && err.line ? ` (line ${err.line} of a rendered document)` : '';
    throw new ManifestError(file, `YAML parse error${line}: ${(err as Error).message}`);
  }
  if (doc === null) return { kind: '' };
  if (!isRecord(doc)) throw new ManifestError(file, 'YAML parse error: the document is not a map');
  const kind = doc.kind;
  if (kind !== undefined && kind !== null && typeof kind !== 'string') {
    throw new ManifestError(file, 'YAML parse error: kind is not a string');
  }
  const metadata = doc.metadata;
  const annotations = isRecord(metadata) ? metadata.annotations : undefined;
  if (annotations === undefined || annotations === null) return { kind: kind ?? '' };
  if (!isRecord(annotations)) throw new ManifestError(file, 'YAML parse error: metadata.annotations is not a map');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    if (v === null) out[k] = '';
    else if (typeof v === 'string') out[k] = v;
    else {
      throw new ManifestError(
        file,
        `YAML parse error: annotation ${JSON.stringify(k)} must be a string, not ${JSON.stringify(v)}`,
      );
    }
  }
  return { kind: kind ?? '', annotations: out };
}

function kindRank(kind: string): number {
  const i = INSTALL_ORDER.indexOf(kind);
  return i < 0 ? INSTALL_ORDER.length : i;
}

/** Helm's `lessByKind` as a stable comparator. */
function byKind(a: Manifest, b: Manifest): number {
  const ra = kindRank(a.kind);
  const rb = kindRank(b.kind);
  if (ra !== rb) return ra - rb;
  if (ra === INSTALL_ORDER.length && a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return 0;
}

/**
 * Sorts the rendered files (path → text; partials and blank files skipped) into release manifests and hooks,
 * both in install order. Throws {@link ManifestError} for a document Helm would not decode.
 */
export function sortManifests(files: ReadonlyMap<string, string>): { manifests: Manifest[]; hooks: Manifest[] } {
  const manifests: Manifest[] = [];
  const hooks: Manifest[] = [];
  const paths = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const text = files.get(path) ?? '';
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('_') || text.trim() === '') continue;
    for (const content of splitManifests(text)) {
      const head = decodeHead(path, content);
      const entry: Manifest = { name: path, content, kind: head.kind };
      const annotations = head.annotations;
      if (!annotations || Object.keys(annotations).length === 0 || !Object.hasOwn(annotations, HOOK_ANNOTATION)) {
        manifests.push(entry);
        continue;
      }
      const events = (annotations[HOOK_ANNOTATION] ?? '').split(',').map((e) => e.trim().toLowerCase());
      if (events.every((e) => HOOK_EVENTS.has(e))) hooks.push(entry);
    }
  }
  return { manifests: manifests.sort(byKind), hooks: hooks.sort(byKind) };
}
