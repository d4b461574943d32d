/**
 * Helm's built-in template objects, shaped so that Go-style field access and method calls work on them in
 * go-template-js: `.Chart` (Go field names), `.Files` (a map of the chart's files with `Get`, `Glob`, `Lines`,
 * `AsConfig`, `AsSecrets`), `.Capabilities` (Helm's library defaults) and `.Release` (empty name and namespace,
 * as oc-mirror renders with `ReleaseOptions{}`).
 *
 * Methods are non-enumerable function properties (so `range .Files` and `toYaml` see only data) and Go's
 * argument-less methods (`AsConfig`, `GitVersion`) are getters, because the engine calls a function field only
 * when it is given arguments.
 */
import { posix } from 'node:path';
import type { Chart, ChartFile, ChartMetadata } from './chart-loader.js';
import { toGoYaml } from './helm-yaml.js';

/** Helm's compiled-in Kubernetes version for rendering without a cluster (chartutil.DefaultCapabilities). */
export const DEFAULT_KUBE_VERSION = { version: 'v1.20.0', major: '1', minor: '20' } as const;

/** The Helm release oc-mirror links against (go.mod `helm.sh/helm/v3 v3.21.4`). */
export const HELM_VERSION = 'v3.21.4';

/**
 * `chartutil.DefaultVersionSet`: every group/version client-go's scheme registers, plus the apiextensions
 * groups. Kinds are not in it, so `.Capabilities.APIVersions.Has "apps/v1/Deployment"` is false, as in Helm.
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1',
  'admissionregistration.k8s.io/v1alpha1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta2',
  'apps/v1beta1',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1beta1',
  'authentication.k8s.io/v1alpha1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v2',
  'autoscaling/v1',
  'autoscaling/v2beta2',
  'autoscaling/v2beta1',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1alpha2',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'networking.k8s.io/v1alpha1',
  'node.k8s.io/v1',
  'node.k8s.io/v1beta1',
  'node.k8s.io/v1alpha1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1alpha1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1alpha1',
  'apiextensions.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1',
];

function defineMethod(target: object, name: string, fn: (...args: never[]) => unknown): void {
  Object.defineProperty(target, name, { value: fn, enumerable: false, configurable: true, writable: true });
}

function defineGetter(target: object, name: string, get: () => unknown): void {
  Object.defineProperty(target, name, { get, enumerable: false, configurable: true });
}

/** `.Capabilities.KubeVersion`: prints as its version (Go's `String()`), `GitVersion` is a method in Go. */
class KubeVersion {
  readonly Version: string;
  readonly Major: string;
  readonly Minor: string;
  constructor(version: string, major: string, minor: string) {
    this.Version = version;
    this.Major = major;
    this.Minor = minor;
    defineGetter(this, 'GitVersion', () => this.Version);
  }
  toString(): string {
    return this.Version;
  }
}

/** `.Capabilities.APIVersions`: a list with Go's `Has` method. */
class VersionSet {
  readonly versions: readonly string[];
  constructor(versions: readonly string[]) {
    this.versions = versions;
    Object.defineProperty(this, 'versions', { enumerable: false });
    defineMethod(this, 'Has', (apiVersion: string) => versions.includes(apiVersion));
  }
  toString(): string {
    return `[${this.versions.join(' ')}]`;
  }
}

/** Helm's `chartutil.DefaultCapabilities`. */
export function defaultCapabilities(): Record<string, unknown> {
  return {
    KubeVersion: new KubeVersion(DEFAULT_KUBE_VERSION.version, DEFAULT_KUBE_VERSION.major, DEFAULT_KUBE_VERSION.minor),
    APIVersions: new VersionSet(DEFAULT_API_VERSIONS),
    HelmVersion: { Version: HELM_VERSION, GitCommit: '', GitTreeState: '', GoVersion: '' },
  };
}

/** `.Release` as oc-mirror renders it (`chartutil.ReleaseOptions{}`). */
export function emptyRelease(): Record<string, unknown> {
  return { Name: '', Namespace: '', IsUpgrade: false, IsInstall: false, Revision: 0, Service: 'Helm' };
}

/** `.Chart`: the metadata with Go's field names, plus `IsRoot`. */
export function chartObject(metadata: ChartMetadata, isRoot: boolean): Record<string, unknown> {
  return {
    Name: metadata.name,
    Home: metadata.home,
    Sources: metadata.sources,
    Version: metadata.version,
    Description: metadata.description,
    Keywords: metadata.keywords,
    Maintainers: metadata.maintainers.map((m) => ({ Name: m.name, Email: m.email, URL: m.url })),
    Icon: metadata.icon,
    APIVersion: metadata.apiVersion,
    Condition: metadata.condition,
    Tags: metadata.tags,
    AppVersion: metadata.appVersion,
    Deprecated: metadata.deprecated,
    Annotations: metadata.annotations,
    KubeVersion: metadata.kubeVersion,
    Dependencies: (metadata.dependencies ?? []).map((d) => ({
      Name: d.name,
      Version: d.version,
      Repository: d.repository,
      Condition: d.condition,
      Tags: d.tags,
      Enabled: d.enabled,
      ImportValues: d.importValues,
      Alias: d.alias,
    })),
    Type: metadata.type,
    IsRoot: isRoot,
  };
}

/** gobwas/glob with `/` as separator (what `.Files.Glob` uses): `*`, `**`, `?`, `[…]`, `{a,b}`. */
function globRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return /^(?!)/;
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (ch === '{') {
      const close = pattern.indexOf('}', i + 1);
      if (close < 0) return /^(?!)/;
      out += `(?:${pattern
        .slice(i + 1, close)
        .split(',')
        .map((alt) => globRegExp(alt).source.slice(1, -1))
        .join('|')})`;
      i = close;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      out += (pattern[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${out}$`);
}

/**
 * `.Files`: the chart's non-template files as a map of path → content, with Helm's methods. Go keeps the
 * contents as bytes; here they are strings (what `Get` returns in Go too).
 */
export function filesObject(files: readonly ChartFile[]): Record<string, unknown> {
  const byName = new Map<string, Buffer>(files.map((f) => [f.name, f.data]));
  return makeFiles(byName);
}

function makeFiles(byName: Map<string, Buffer>): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [name, data] of [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    Object.defineProperty(obj, name, {
      value: data.toString('utf8'),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  defineMethod(obj, 'Get', (name: string) => byName.get(name)?.toString('utf8') ?? '');
  defineMethod(obj, 'GetBytes', (name: string) => byName.get(name) ?? Buffer.alloc(0));
  defineMethod(obj, 'Lines', (name: string) => {
    const data = byName.get(name);
    if (!data || data.length === 0) return [];
    return data.toString('utf8').replace(/\n$/, '').split('\n');
  });
  defineMethod(obj, 'Glob', (pattern: string) => {
    let re: RegExp;
    try {
      re = globRegExp(pattern);
    } catch {
      re = /^.*$/;
    }
    return makeFiles(new Map([...byName.entries()].filter(([name]) => re.test(name))));
  });
  defineGetter(obj, 'AsConfig', () => {
    if (byName.size === 0) return '';
    const m: Record<string, string> = {};
    for (const [name, data] of byName) m[posix.basename(name)] = data.toString('utf8');
    return toGoYaml(m).replace(/\n$/, '');
  });
  defineGetter(obj, 'AsSecrets', () => {
    if (byName.size === 0) return '';
    const m: Record<string, string> = {};
    for (const [name, data] of byName) m[posix.basename(name)] = data.toString('base64');
    return toGoYaml(m).replace(/\n$/, '');
  });
  return obj;
}

/** `Chart.ChartFullPath()`: `root/charts/sub/charts/subsub`, with aliases applied. */
export function chartFullPath(chart: Chart, parentPath?: string): string {
  return parentPath === undefined ? chart.metadata.name : `${parentPath}/charts/${chart.metadata.name}`;
}
