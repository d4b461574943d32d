/**
 * What the wizard asks, as data: the steps, the workflows, the location inputs of each workflow with their
 * validation (oc-mirror's rules, spec core.md §2.8), and the main options with their defaults.
 */
import type { Workflow } from '../../core/events.js';
import { WORKFLOW_LABELS } from '../shared/workflow-labels.js';
import type { ConfigKind } from './config-summary.js';

export type WizardStep = 'workflow' | 'config' | 'paths' | 'options' | 'review';

export const WIZARD_STEPS: readonly WizardStep[] = ['workflow', 'config', 'paths', 'options', 'review'];

export const STEP_TITLES: Record<WizardStep, string> = {
  workflow: 'Workflow',
  config: 'Config',
  paths: 'Locations',
  options: 'Options',
  review: 'Review',
};

export interface WorkflowChoice {
  id: Workflow;
  label: string;
  description: string;
  configKind: ConfigKind;
}

export const WORKFLOW_CHOICES: readonly WorkflowChoice[] = [
  {
    id: 'mirrorToDisk',
    label: WORKFLOW_LABELS.mirrorToDisk,
    description: 'download content from registries into an archive on disk (file://)',
    configKind: 'ImageSetConfiguration',
  },
  {
    id: 'diskToMirror',
    label: WORKFLOW_LABELS.diskToMirror,
    description: 'push an archive made by "mirror to disk" into your registry (docker://)',
    configKind: 'ImageSetConfiguration',
  },
  {
    id: 'mirrorToMirror',
    label: WORKFLOW_LABELS.mirrorToMirror,
    description: 'copy straight from the source registries into your registry',
    configKind: 'ImageSetConfiguration',
  },
  {
    id: 'delete',
    label: WORKFLOW_LABELS.delete,
    description: 'plan the removal of images from your registry (writes a delete file, deletes nothing yet)',
    configKind: 'DeleteImageSetConfiguration',
  },
];

export type PathField = 'destination' | 'from' | 'workspace';

export interface PathFieldSpec {
  field: PathField;
  label: string;
  /** The flag in front of the value (the destination is positional). */
  flag?: '--from' | '--workspace';
  scheme: 'file' | 'docker';
  /** oc-mirror rejects destinations / --from paths containing its internal directory names. */
  checkReservedWords: boolean;
  help: string;
}

const FIELD_SPECS = {
  archiveDestination: {
    field: 'destination',
    label: 'Archive directory',
    scheme: 'file',
    checkReservedWords: true,
    help: 'where the archive and working-dir are written, e.g. file:///data/mirror',
  },
  from: {
    field: 'from',
    label: 'Archive directory (--from)',
    flag: '--from',
    scheme: 'file',
    checkReservedWords: true,
    help: 'the directory holding the mirror_*.tar archives, e.g. file:///data/mirror',
  },
  workspace: {
    field: 'workspace',
    label: 'Workspace (--workspace)',
    flag: '--workspace',
    scheme: 'file',
    checkReservedWords: false,
    help: 'where working-dir (logs, cluster resources) is kept, e.g. file:///data/workspace',
  },
  registry: {
    field: 'destination',
    label: 'Destination registry',
    scheme: 'docker',
    checkReservedWords: false,
    help: 'your registry with an optional namespace, e.g. docker://registry.example.com:5000/mirror',
  },
} as const satisfies Record<string, PathFieldSpec>;

/** The location inputs of a workflow, in the order they are asked. */
export function pathFieldsFor(workflow: Workflow): readonly PathFieldSpec[] {
  switch (workflow) {
    case 'mirrorToDisk':
      return [FIELD_SPECS.archiveDestination];
    case 'diskToMirror':
      return [FIELD_SPECS.from, FIELD_SPECS.registry];
    case 'mirrorToMirror':
    case 'delete':
      return [FIELD_SPECS.workspace, FIELD_SPECS.registry];
  }
}

/** oc-mirror's internal directory names (spec core.md §2.8 item 3). */
export const RESERVED_WORDS: readonly string[] = [
  'cluster-resources',
  'dry-run',
  'graph-preparation',
  'helm',
  'hold-operator',
  'hold-release',
  'delete',
  'logs',
  'operator-catalogs',
  'release-images',
  'signatures',
];

/** The problem with a location value, or undefined when it is valid. */
export function validatePathField(spec: PathFieldSpec, value: string): string | undefined {
  const v = value.trim();
  if (spec.scheme === 'file') {
    if (!v.startsWith('file://')) return 'must start with file:// (for example file:///data/mirror)';
    if (v.slice('file://'.length).trim() === '') return 'give a directory after file://';
    if (spec.checkReservedWords) {
      const word = RESERVED_WORDS.find((w) => v.includes(w));
      if (word) return `contains the internal oc-mirror keyword '${word}': choose another directory name`;
    }
    return undefined;
  }
  if (!v.startsWith('docker://')) return 'must start with docker:// (for example docker://registry.example.com:5000)';
  const rest = v.slice('docker://'.length);
  if (/\s/.test(rest)) return 'a registry reference has no spaces';
  const host = rest.split('/')[0];
  if (host === '') return 'give a registry host after docker:// (for example docker://registry.example.com:5000)';
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return `'${host}' is not a registry host[:port]`;
  return undefined;
}

export interface WizardOptions {
  parallelImages: number;
  parallelLayers: number;
  srcTlsVerify: boolean;
  destTlsVerify: boolean;
  dryRun: boolean;
  cacheDir: string;
}

export type OptionId = keyof WizardOptions;

export interface OptionSpec {
  id: OptionId;
  label: string;
  kind: 'number' | 'boolean' | 'text';
  min?: number;
  max?: number;
  help: string;
}

const OPTION_SPECS: Record<OptionId, OptionSpec> = {
  parallelImages: {
    id: 'parallelImages',
    label: 'Parallel images',
    kind: 'number',
    min: 1,
    max: 10,
    help: '--parallel-images, 1..10',
  },
  parallelLayers: {
    id: 'parallelLayers',
    label: 'Parallel layers',
    kind: 'number',
    min: 1,
    max: 10,
    help: '--parallel-layers, 1..10',
  },
  srcTlsVerify: { id: 'srcTlsVerify', label: 'Verify source TLS', kind: 'boolean', help: '--src-tls-verify' },
  destTlsVerify: { id: 'destTlsVerify', label: 'Verify destination TLS', kind: 'boolean', help: '--dest-tls-verify' },
  dryRun: {
    id: 'dryRun',
    label: 'Dry run',
    kind: 'boolean',
    help: '--dry-run: plan and write mapping.txt, copy nothing',
  },
  cacheDir: {
    id: 'cacheDir',
    label: 'Cache directory',
    kind: 'text',
    help: '--cache-dir (the cache is <dir>/.oc-mirror/.cache)',
  },
};

/** The options that mean something for a workflow. */
export function optionsFor(workflow: Workflow): readonly OptionSpec[] {
  const o = OPTION_SPECS;
  switch (workflow) {
    case 'mirrorToDisk':
      return [o.parallelImages, o.parallelLayers, o.srcTlsVerify, o.dryRun, o.cacheDir];
    case 'diskToMirror':
      return [o.parallelImages, o.parallelLayers, o.destTlsVerify, o.dryRun, o.cacheDir];
    case 'mirrorToMirror':
      return [o.parallelImages, o.parallelLayers, o.srcTlsVerify, o.destTlsVerify, o.dryRun, o.cacheDir];
    case 'delete':
      return [o.destTlsVerify, o.cacheDir];
  }
}

export function defaultOptions(homeDir: string): WizardOptions {
  return {
    parallelImages: 4,
    parallelLayers: 5,
    srcTlsVerify: true,
    destTlsVerify: true,
    dryRun: false,
    cacheDir: homeDir,
  };
}
