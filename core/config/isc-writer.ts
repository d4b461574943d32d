/**
 * Writes an ImageSetConfiguration as commented YAML from what the config builder collected (an {@link IscDraft}).
 * The text is produced line by line (comments say what each part selects and how oc-mirror reads it), every
 * scalar that YAML 1.1 would type as something other than a string is quoted, and {@link checkIscText} runs the
 * text through the same parser and validator the mirror uses: the builder only saves configs that load without
 * errors or warnings.
 */
import { ConfigError } from '../errors.js';
import { resolvePlainScalar } from './go-yaml-scalar.js';
import { parseImageSetConfig } from './load-config.js';
import type { ImageSetConfiguration } from './image-set-config.js';

/** One package of a catalog: every channel (no `channels`), some channels, and/or a version range. */
export interface PackageDraft {
  name: string;
  /** Channels to keep; empty = every channel of the package. */
  channels: string[];
  /** Needed when the package's default channel is not among `channels`. */
  defaultChannel?: string;
  minVersion?: string;
  maxVersion?: string;
}

export interface CatalogDraft {
  catalog: string;
  /** Empty = every package of the catalog (channel heads). */
  packages: PackageDraft[];
}

export interface ReleaseChannelDraft {
  name: string;
  minVersion?: string;
  maxVersion?: string;
  shortestPath: boolean;
  full: boolean;
}

export interface HelmRepositoryDraft {
  name: string;
  url: string;
  charts: { name: string; version?: string }[];
}

/** Everything the builder can put in an ImageSetConfiguration. */
export interface IscDraft {
  operators: CatalogDraft[];
  releases: { channels: ReleaseChannelDraft[]; architectures: string[]; graph: boolean };
  additionalImages: string[];
  helm: HelmRepositoryDraft[];
}

export function emptyDraft(): IscDraft {
  return {
    operators: [],
    releases: { channels: [], architectures: ['amd64'], graph: false },
    additionalImages: [],
    helm: [],
  };
}

/** A YAML scalar that go-yaml v2 reads back as exactly this string. */
export function yamlString(value: string): string {
  const plainSafe =
    /^[A-Za-z0-9_./@][A-Za-z0-9_./:@+=~-]*$/.test(value) &&
    !value.includes(': ') &&
    resolvePlainScalar(value).kind === 'string';
  return plainSafe ? value : JSON.stringify(value);
}

export interface WriteIscOptions {
  /** First comment line (e.g. "Written by the ocm-tui config builder on 2026-12-02"). */
  header?: string;
}

/** True when the draft selects nothing at all. */
export function isEmptyDraft(draft: IscDraft): boolean {
  return (
    draft.operators.length === 0 &&
    draft.releases.channels.length === 0 &&
    draft.additionalImages.length === 0 &&
    draft.helm.length === 0
  );
}

function rangeComment(min?: string, max?: string): string {
  if (min && max) return min === max ? `exactly version ${min}` : `versions ${min} to ${max}`;
  if (min) return `versions ${min} and later`;
  if (max) return `versions up to ${max}`;
  return '';
}

/** The commented YAML text of `draft`. */
export function writeIsc(draft: IscDraft, options: WriteIscOptions = {}): string {
  const out: string[] = [];
  const line = (text: string) => out.push(text);
  line(`# ${options.header ?? 'ImageSetConfiguration written by the ocm-tui config builder'}`);
  line(
    '# Mirror with:  ocm-tui -c <this file> file://<archive dir>   (or --workspace file://<dir> docker://<registry>)',
  );
  line('kind: ImageSetConfiguration');
  line('apiVersion: mirror.openshift.io/v2alpha1');
  line('mirror:');
  if (isEmptyDraft(draft)) {
    line('  # Nothing selected yet: add releases, operators, additionalImages or helm below.');
    line('  additionalImages: []');
  }
  const { channels, architectures, graph } = draft.releases;
  if (channels.length > 0) {
    line('  # OpenShift releases, resolved from the Cincinnati update graph of each channel.');
    line('  platform:');
    if (graph) {
      line('    # Also build and mirror the graph-data image for an OpenShift Update Service.');
      line('    graph: true');
    }
    if (architectures.length > 0 && !(architectures.length === 1 && architectures[0] === 'amd64')) {
      // oc-mirror warns that `architectures` is deprecated, but `platforms` always mirrors the multi payload:
      // one payload per architecture can only be asked for this way.
      line('    # One release payload per architecture (oc-mirror notes this field as deprecated; it still works).');
      line('    architectures:');
      for (const arch of architectures) line(`      - ${yamlString(arch)}`);
    }
    line('    channels:');
    for (const ch of channels) {
      const what = rangeComment(ch.minVersion, ch.maxVersion);
      const how = ch.shortestPath
        ? 'the shortest upgrade path between min and max'
        : ch.full
          ? 'every release in the range'
          : ch.minVersion || ch.maxVersion
            ? 'every release in the range'
            : 'the channel head only';
      line(`      # ${ch.name}: ${what ? `${what}, ` : ''}${how}`);
      line(`      - name: ${yamlString(ch.name)}`);
      if (ch.minVersion) line(`        minVersion: ${yamlString(ch.minVersion)}`);
      if (ch.maxVersion) line(`        maxVersion: ${yamlString(ch.maxVersion)}`);
      if (ch.full) line('        full: true');
      if (ch.shortestPath) line('        shortestPath: true');
    }
  }
  if (draft.operators.length > 0) {
    line('  # Operator catalogs: each is filtered to the packages below and rebuilt; bundles and their');
    line('  # related images are mirrored. A package without channels keeps the head of every channel.');
    line('  operators:');
    for (const cat of draft.operators) {
      line(`    - catalog: ${yamlString(cat.catalog)}`);
      if (cat.packages.length === 0) {
        line('      # No packages listed: every package of the catalog, channel heads only.');
        continue;
      }
      line('      packages:');
      for (const pkg of cat.packages) {
        const parts: string[] = [];
        parts.push(pkg.channels.length > 0 ? `channels ${pkg.channels.join(', ')}` : 'every channel');
        const range = rangeComment(pkg.minVersion, pkg.maxVersion);
        parts.push(range || 'channel heads');
        line(`        # ${pkg.name}: ${parts.join(', ')}`);
        line(`        - name: ${yamlString(pkg.name)}`);
        if (pkg.defaultChannel) line(`          defaultChannel: ${yamlString(pkg.defaultChannel)}`);
        if (pkg.minVersion) line(`          minVersion: ${yamlString(pkg.minVersion)}`);
        if (pkg.maxVersion) line(`          maxVersion: ${yamlString(pkg.maxVersion)}`);
        if (pkg.channels.length > 0) {
          line('          channels:');
          for (const ch of pkg.channels) line(`            - name: ${yamlString(ch)}`);
        }
      }
    }
  }
  if (draft.additionalImages.length > 0) {
    line('  # Single images, by tag or digest.');
    line('  additionalImages:');
    for (const name of draft.additionalImages) line(`    - name: ${yamlString(name)}`);
  }
  if (draft.helm.length > 0) {
    line('  # Helm charts: rendered with their default values to find the images they use.');
    line('  helm:');
    line('    repositories:');
    for (const repo of draft.helm) {
      line(`      - name: ${yamlString(repo.name)}`);
      line(`        url: ${yamlString(repo.url)}`);
      if (repo.charts.length === 0) {
        line('        # No charts listed: every chart of the repository.');
        continue;
      }
      line('        charts:');
      for (const chart of repo.charts) {
        line(`          - name: ${yamlString(chart.name)}`);
        if (chart.version) line(`            version: ${yamlString(chart.version)}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export type IscCheck =
  | { ok: true; config: ImageSetConfiguration; warnings: string[]; deprecations: string[] }
  | { ok: false; problems: string[] };

/**
 * Loader warnings the builder writes knowingly: `platform.architectures` is deprecated, yet it is the only way to
 * ask for one payload per architecture.
 */
const KNOWN_DEPRECATIONS = new Set(['mirror.platform.architectures']);

/**
 * Parses and validates `text` with the mirror's loader: problems as `line:col message`, warnings likewise (the
 * known deprecations apart).
 */
export function checkIscText(text: string, file = 'imageset-config.yaml'): IscCheck {
  try {
    const loaded = parseImageSetConfig(text, file);
    const say = (w: { line: number; column: number; message: string }) => `${w.line}:${w.column} ${w.message}`;
    return {
      ok: true,
      config: loaded.config,
      warnings: loaded.warnings.filter((w) => !KNOWN_DEPRECATIONS.has(w.path ?? '')).map(say),
      deprecations: loaded.warnings.filter((w) => KNOWN_DEPRECATIONS.has(w.path ?? '')).map(say),
    };
  } catch (err) {
    if (err instanceof ConfigError) {
      return { ok: false, problems: err.problems.map((p) => `${p.line}:${p.column} ${p.message}`) };
    }
    throw err;
  }
}

/** The headless commands that mirror with the saved file (mirror to disk, and mirror to mirror). */
export function headlessCommands(path: string): string[] {
  const quoted = /^[A-Za-z0-9_\-./:=@%+,]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
  return [
    `ocm-tui -c ${quoted} file://mirror-archive`,
    `ocm-tui -c ${quoted} --workspace file://workspace docker://REGISTRY/PATH`,
  ];
}
