/**
 * The setup wizard as a pure reducer: workflow → config → paths → options → review. Enter advances (when
 * the step is valid), Esc goes back (and leaves the wizard from the first step). Side effects (reading the
 * config list, describing a config, submitting) are requested through state and performed by Wizard.tsx.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Workflow } from '../../core/events.js';
import type { WizardKeyAction } from '../shared/keymap.js';
import { WORKFLOW_LABELS } from '../shared/workflow-labels.js';
import type { ConfigFile, ConfigKind, DescribeConfigResult } from './config-summary.js';

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

export type DescribeState = { status: 'loading' } | { status: 'done'; result: DescribeConfigResult };

export type ConfigListState =
  { status: 'loading' } | { status: 'ready'; files: readonly ConfigFile[] } | { status: 'failed'; message: string };

export type TextField = 'typedPath' | PathField | 'cacheDir';

export interface WizardState {
  step: WizardStep;
  cwd: string;
  homeDir: string;
  workflowCursor: number;
  workflow: Workflow;
  configs: ConfigListState;
  /** Index into the matching configs; one past the end is the "type a path" row. */
  configCursor: number;
  typedPath: string;
  descriptions: Readonly<Record<string, DescribeState>>;
  /** Enter was pressed on this path before its description arrived. */
  awaitingPath?: string;
  configPath?: string;
  paths: Readonly<Record<PathField, string>>;
  pathCursor: number;
  pathErrors: Readonly<Partial<Record<PathField, string>>>;
  options: WizardOptions;
  optionCursor: number;
  /** A step-level message (why Enter did not advance). */
  message?: string;
  outcome?: { type: 'submit'; argv: string[] } | { type: 'cancel' };
}

export type WizardAction =
  | { type: 'key'; key: WizardKeyAction }
  | { type: 'configs.loaded'; files: readonly ConfigFile[] }
  | { type: 'configs.failed'; message: string }
  | { type: 'config.describing'; path: string }
  | { type: 'config.described'; path: string; result: DescribeConfigResult }
  | { type: 'text'; field: TextField; value: string };

const EMPTY_PATHS: Record<PathField, string> = { destination: '', from: 'file://', workspace: 'file://' };

function defaultPaths(workflow: Workflow): Record<PathField, string> {
  return { ...EMPTY_PATHS, destination: workflow === 'mirrorToDisk' ? 'file://' : 'docker://' };
}

export function initialWizardState(options: { cwd: string; homeDir: string }): WizardState {
  return {
    step: 'workflow',
    cwd: options.cwd,
    homeDir: options.homeDir,
    workflowCursor: 0,
    workflow: WORKFLOW_CHOICES[0].id,
    configs: { status: 'loading' },
    configCursor: 0,
    typedPath: '',
    descriptions: {},
    paths: defaultPaths(WORKFLOW_CHOICES[0].id),
    pathCursor: 0,
    pathErrors: {},
    options: defaultOptions(options.homeDir),
    optionCursor: 0,
  };
}

export function workflowChoice(workflow: Workflow): WorkflowChoice {
  return WORKFLOW_CHOICES.find((c) => c.id === workflow) ?? WORKFLOW_CHOICES[0];
}

/** Paths inside the working directory are shown (and put on the command line) relative to it. */
export function displayPath(cwd: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  return path;
}

/** Config files of the kind the chosen workflow needs. */
export function matchingConfigs(state: WizardState): readonly ConfigFile[] {
  if (state.configs.status !== 'ready') return [];
  const kind = workflowChoice(state.workflow).configKind;
  return state.configs.files.filter((f) => f.kind === kind);
}

/** Config files of other kinds (mentioned so users know why a file is missing from the list). */
export function otherConfigs(state: WizardState): readonly ConfigFile[] {
  if (state.configs.status !== 'ready') return [];
  const kind = workflowChoice(state.workflow).configKind;
  return state.configs.files.filter((f) => f.kind !== kind);
}

/** True when the cursor is on the "type a path" row. */
export function isTypingPath(state: WizardState): boolean {
  return state.configCursor >= matchingConfigs(state).length;
}

/** The config path the cursor is on (a listed file), if any. */
export function highlightedConfigPath(state: WizardState): string | undefined {
  const files = matchingConfigs(state);
  return state.configCursor < files.length ? displayPath(state.cwd, files[state.configCursor].path) : undefined;
}

/** The config whose description the config step shows. */
export function previewedConfigPath(state: WizardState): string | undefined {
  return (
    highlightedConfigPath(state) ??
    (isTypingPath(state) ? (state.awaitingPath ?? lastTypedDescribed(state)) : undefined)
  );
}

function lastTypedDescribed(state: WizardState): string | undefined {
  const typed = state.typedPath.trim();
  return typed !== '' && state.descriptions[typed] ? typed : undefined;
}

/** Paths the Wizard must describe now (highlighted for preview, or awaited after Enter). */
export function pathsToDescribe(state: WizardState): string[] {
  if (state.step !== 'config') return [];
  const wanted = new Set<string>();
  const highlighted = highlightedConfigPath(state);
  if (highlighted) wanted.add(highlighted);
  if (state.awaitingPath) wanted.add(state.awaitingPath);
  return [...wanted].filter((p) => state.descriptions[p] === undefined);
}

/** The text field that owns printable keys and ←/→ right now, if any. */
export function focusedTextField(state: WizardState): TextField | undefined {
  switch (state.step) {
    case 'config':
      return isTypingPath(state) && state.configs.status !== 'loading' ? 'typedPath' : undefined;
    case 'paths':
      return pathFieldsFor(state.workflow)[state.pathCursor]?.field;
    case 'options':
      return optionsFor(state.workflow)[state.optionCursor]?.kind === 'text' ? 'cacheDir' : undefined;
    default:
      return undefined;
  }
}

/** The argv of the equivalent headless run (only non-default options), without the program name. */
export function buildArgv(state: WizardState): string[] {
  const argv: string[] = [];
  const { workflow, paths, options } = state;
  if (workflow === 'delete') argv.push('delete', '--generate');
  argv.push('-c', state.configPath ?? '');
  for (const spec of pathFieldsFor(workflow)) {
    const value = paths[spec.field].trim();
    if (spec.flag) argv.push(spec.flag, value);
    else argv.push(value);
  }
  const applicable = new Set(optionsFor(workflow).map((o) => o.id));
  const defaults = defaultOptions(state.homeDir);
  if (applicable.has('parallelImages') && options.parallelImages !== defaults.parallelImages) {
    argv.push('--parallel-images', String(options.parallelImages));
  }
  if (applicable.has('parallelLayers') && options.parallelLayers !== defaults.parallelLayers) {
    argv.push('--parallel-layers', String(options.parallelLayers));
  }
  if (applicable.has('srcTlsVerify') && !options.srcTlsVerify) argv.push('--src-tls-verify=false');
  if (applicable.has('destTlsVerify') && !options.destTlsVerify) argv.push('--dest-tls-verify=false');
  if (applicable.has('dryRun') && options.dryRun) argv.push('--dry-run');
  const cacheDir = options.cacheDir.trim();
  if (applicable.has('cacheDir') && cacheDir !== '' && cacheDir !== defaults.cacheDir)
    argv.push('--cache-dir', cacheDir);
  return argv;
}

/** POSIX-shell quoting, only where needed, so the line can be pasted as is. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "ocm-tui -c isc.yaml --workspace file://ws docker://reg:5000 --parallel-images 6" */
export function formatCommandLine(argv: readonly string[], program = 'ocm-tui'): string {
  return [program, ...argv.map(shellQuote)].join(' ');
}

/** "an ImageSetConfiguration", "a DeleteImageSetConfiguration". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/**
 * Advances past the config step if `path` describes cleanly. On Enter (`retryProblems`), a file that had
 * problems is described again, so fixing it in another terminal and pressing Enter works.
 */
function evaluateConfig(state: WizardState, path: string, retryProblems: boolean): WizardState {
  const described = state.descriptions[path];
  if (retryProblems && described?.status === 'done' && !described.result.ok) {
    const descriptions = { ...state.descriptions };
    delete descriptions[path];
    return { ...state, descriptions, awaitingPath: path, message: undefined };
  }
  if (!described || described.status === 'loading') return { ...state, awaitingPath: path, message: undefined };
  const result = described.result;
  const base = { ...state, awaitingPath: undefined };
  if (!result.ok) {
    return { ...base, message: `${path} has ${result.problems.length} problem(s): fix them or choose another file` };
  }
  const wanted = workflowChoice(state.workflow).configKind;
  if (result.summary.kind !== wanted) {
    return {
      ...base,
      message: `${path} is ${withArticle(result.summary.kind)}; ${workflowChoice(state.workflow).label} needs ${withArticle(wanted)}`,
    };
  }
  return { ...base, configPath: path, step: 'paths', message: undefined };
}

function onWorkflowKey(state: WizardState, key: WizardKeyAction): WizardState {
  switch (key) {
    case 'up':
    case 'down': {
      const delta = key === 'up' ? -1 : 1;
      return { ...state, workflowCursor: clamp(state.workflowCursor + delta, 0, WORKFLOW_CHOICES.length - 1) };
    }
    case 'enter': {
      const choice = WORKFLOW_CHOICES[state.workflowCursor];
      if (choice.id === state.workflow) return { ...state, step: 'config', message: undefined };
      // A different workflow asks different questions: start its later steps afresh.
      return {
        ...state,
        step: 'config',
        workflow: choice.id,
        configCursor: 0,
        configPath: undefined,
        awaitingPath: undefined,
        paths: defaultPaths(choice.id),
        pathCursor: 0,
        pathErrors: {},
        optionCursor: 0,
        message: undefined,
      };
    }
    case 'back':
      return { ...state, outcome: { type: 'cancel' } };
    default:
      return state;
  }
}

function onConfigKey(state: WizardState, key: WizardKeyAction): WizardState {
  const rows = matchingConfigs(state).length + 1;
  switch (key) {
    case 'up':
    case 'down':
    case 'next': {
      const delta = key === 'up' ? -1 : 1;
      return {
        ...state,
        configCursor: clamp(state.configCursor + delta, 0, rows - 1),
        awaitingPath: undefined,
        message: undefined,
      };
    }
    case 'enter': {
      if (state.configs.status === 'loading') return state;
      const path = highlightedConfigPath(state) ?? state.typedPath.trim();
      if (path === '') {
        return {
          ...state,
          message: `type the path of ${withArticle(workflowChoice(state.workflow).configKind)} file, then Enter`,
        };
      }
      return evaluateConfig(state, path, true);
    }
    case 'back':
      return { ...state, step: 'workflow', awaitingPath: undefined, message: undefined };
    default:
      return state;
  }
}

function onPathsKey(state: WizardState, key: WizardKeyAction): WizardState {
  const specs = pathFieldsFor(state.workflow);
  switch (key) {
    case 'up':
      return { ...state, pathCursor: clamp(state.pathCursor - 1, 0, specs.length - 1) };
    case 'down':
      return { ...state, pathCursor: clamp(state.pathCursor + 1, 0, specs.length - 1) };
    case 'next':
      return { ...state, pathCursor: (state.pathCursor + 1) % specs.length };
    case 'enter': {
      const current = specs[state.pathCursor];
      const currentError = validatePathField(current, state.paths[current.field]);
      if (currentError) {
        return { ...state, pathErrors: { ...state.pathErrors, [current.field]: currentError }, message: undefined };
      }
      // Enter on a valid field moves to the next one; on the last field it checks everything.
      if (state.pathCursor < specs.length - 1) {
        return {
          ...state,
          pathCursor: state.pathCursor + 1,
          pathErrors: { ...state.pathErrors, [current.field]: undefined },
        };
      }
      const errors: Partial<Record<PathField, string>> = {};
      for (const spec of specs) {
        const error = validatePathField(spec, state.paths[spec.field]);
        if (error) errors[spec.field] = error;
      }
      const firstInvalid = specs.findIndex((s) => errors[s.field] !== undefined);
      if (firstInvalid >= 0) return { ...state, pathErrors: errors, pathCursor: firstInvalid };
      return { ...state, pathErrors: {}, step: 'options', message: undefined };
    }
    case 'back':
      return { ...state, step: 'config', message: undefined };
    default:
      return state;
  }
}

function changeOption(state: WizardState, spec: OptionSpec, direction: -1 | 1 | 0): WizardState {
  const options = { ...state.options };
  if (spec.kind === 'number') {
    const id = spec.id as 'parallelImages' | 'parallelLayers';
    options[id] = clamp(options[id] + direction, spec.min ?? 1, spec.max ?? 10);
  } else if (spec.kind === 'boolean') {
    const id = spec.id as 'srcTlsVerify' | 'destTlsVerify' | 'dryRun';
    options[id] = !options[id];
  } else {
    return state;
  }
  return { ...state, options };
}

function onOptionsKey(state: WizardState, key: WizardKeyAction): WizardState {
  const specs = optionsFor(state.workflow);
  const spec = specs[state.optionCursor];
  switch (key) {
    case 'up':
      return { ...state, optionCursor: clamp(state.optionCursor - 1, 0, specs.length - 1) };
    case 'down':
      return { ...state, optionCursor: clamp(state.optionCursor + 1, 0, specs.length - 1) };
    case 'next':
      return { ...state, optionCursor: (state.optionCursor + 1) % specs.length };
    case 'left':
      return changeOption(state, spec, -1);
    case 'right':
      return changeOption(state, spec, 1);
    case 'toggle':
      return spec.kind === 'boolean' ? changeOption(state, spec, 0) : state;
    case 'enter': {
      // An emptied cache directory means "the default" rather than an error.
      const cacheDir = state.options.cacheDir.trim() === '' ? state.homeDir : state.options.cacheDir;
      return { ...state, options: { ...state.options, cacheDir }, step: 'review', message: undefined };
    }
    case 'back':
      return { ...state, step: 'paths', message: undefined };
    default:
      return state;
  }
}

function onReviewKey(state: WizardState, key: WizardKeyAction): WizardState {
  switch (key) {
    case 'enter':
      return { ...state, outcome: { type: 'submit', argv: buildArgv(state) } };
    case 'back':
      return { ...state, step: 'options' };
    default:
      return state;
  }
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  if (state.outcome) return state;
  switch (action.type) {
    case 'configs.loaded':
      return { ...state, configs: { status: 'ready', files: action.files } };
    case 'configs.failed':
      return { ...state, configs: { status: 'failed', message: action.message } };
    case 'config.describing':
      return { ...state, descriptions: { ...state.descriptions, [action.path]: { status: 'loading' } } };
    case 'config.described': {
      const next = {
        ...state,
        descriptions: { ...state.descriptions, [action.path]: { status: 'done', result: action.result } as const },
      };
      return state.step === 'config' && state.awaitingPath === action.path
        ? evaluateConfig(next, action.path, false)
        : next;
    }
    case 'text': {
      switch (action.field) {
        case 'typedPath':
          return { ...state, typedPath: action.value, awaitingPath: undefined, message: undefined };
        case 'cacheDir':
          return { ...state, options: { ...state.options, cacheDir: action.value } };
        default:
          return {
            ...state,
            paths: { ...state.paths, [action.field]: action.value },
            pathErrors: { ...state.pathErrors, [action.field]: undefined },
          };
      }
    }
    case 'key':
      if (action.key === 'cancel') return { ...state, outcome: { type: 'cancel' } };
      switch (state.step) {
        case 'workflow':
          return onWorkflowKey(state, action.key);
        case 'config':
          return onConfigKey(state, action.key);
        case 'paths':
          return onPathsKey(state, action.key);
        case 'options':
          return onOptionsKey(state, action.key);
        case 'review':
          return onReviewKey(state, action.key);
      }
  }
  return state;
}
