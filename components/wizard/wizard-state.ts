/**
 * The setup wizard as a pure reducer: workflow → config → paths → options → review. Enter advances (when
 * the step is valid), Esc goes back (and leaves the wizard from the first step). Side effects (reading the
 * config list, describing a config, submitting) are requested through state and performed by Wizard.tsx.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Key } from 'ink';
import type { Workflow } from '../../core/events.js';
import { WIZARD_KEYMAP, matchKey } from '../shared/keymap.js';
import type { WizardKeyAction } from '../shared/keymap.js';
import { editText } from '../shared/text-edit.js';
import { buildArgv } from './command-line.js';
import type { ConfigFile } from './config-summary.js';
import { WORKFLOW_CHOICES, defaultOptions, optionsFor, pathFieldsFor, validatePathField } from './wizard-fields.js';
import type { OptionSpec, PathField, WorkflowChoice } from './wizard-fields.js';
import type { TextField, WizardAction, WizardState } from './wizard-types.js';

export * from './wizard-fields.js';
export type * from './wizard-types.js';
export { buildArgv, formatCommandLine, shellQuote } from './command-line.js';

const EMPTY_PATHS: Record<PathField, string> = { destination: '', from: 'file://', workspace: 'file://' };

function defaultPaths(workflow: Workflow): Record<PathField, string> {
  return { ...EMPTY_PATHS, destination: workflow === 'mirrorToDisk' ? 'file://' : 'docker://' };
}

export function initialWizardState(options: { cwd: string; homeDir: string; canBuild?: boolean }): WizardState {
  return {
    step: 'workflow',
    canBuild: options.canBuild,
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
  return state.configCursor === matchingConfigs(state).length;
}

/** True when the config step offers "Create a new config" (the builder writes ImageSetConfigurations only). */
export function offersBuilder(state: WizardState): boolean {
  return state.canBuild === true && workflowChoice(state.workflow).configKind === 'ImageSetConfiguration';
}

/** True when the cursor is on the "Create a new config" row. */
export function isOnCreateRow(state: WizardState): boolean {
  return offersBuilder(state) && state.configCursor === matchingConfigs(state).length + 1;
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
  const rows = matchingConfigs(state).length + (offersBuilder(state) ? 2 : 1);
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
      if (isOnCreateRow(state)) return { ...state, building: true, awaitingPath: undefined, message: undefined };
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
    case 'builder.done': {
      const next = { ...state, building: false };
      if (!action.path) return next;
      // The saved file continues the wizard as if its path had been typed.
      const typing = {
        ...next,
        typedPath: action.path,
        textCursor: undefined,
        configCursor: matchingConfigs(state).length,
      };
      return evaluateConfig(typing, action.path, true);
    }
    case 'text':
      return withText(state, action.field, action.value, undefined);
    case 'input':
      // While the config builder is open it owns the keys.
      return state.building ? state : onInput(state, action.input, action.key);
    case 'key': {
      const next = onKey(state, action.key);
      // Keys never edit text: when one changes anything, the focus may have moved, so the cursor goes to the end.
      return next !== state && next.textCursor !== undefined ? { ...next, textCursor: undefined } : next;
    }
  }
  return state;
}

function onKey(state: WizardState, key: WizardKeyAction): WizardState {
  if (key === 'cancel') return { ...state, outcome: { type: 'cancel' } };
  if (state.building) return state;
  switch (state.step) {
    case 'workflow':
      return onWorkflowKey(state, key);
    case 'config':
      return onConfigKey(state, key);
    case 'paths':
      return onPathsKey(state, key);
    case 'options':
      return onOptionsKey(state, key);
    case 'review':
      return onReviewKey(state, key);
  }
}

/** The value of a text field. */
export function textFieldValue(state: WizardState, field: TextField): string {
  switch (field) {
    case 'typedPath':
      return state.typedPath;
    case 'cacheDir':
      return state.options.cacheDir;
    default:
      return state.paths[field];
  }
}

function withText(state: WizardState, field: TextField, value: string, cursor: number | undefined): WizardState {
  switch (field) {
    case 'typedPath':
      return { ...state, typedPath: value, textCursor: cursor, awaitingPath: undefined, message: undefined };
    case 'cacheDir':
      return { ...state, options: { ...state.options, cacheDir: value }, textCursor: cursor };
    default:
      return {
        ...state,
        paths: { ...state.paths, [field]: value },
        pathErrors: { ...state.pathErrors, [field]: undefined },
        textCursor: cursor,
      };
  }
}

/**
 * One key press, decided against `state` (the result of every earlier key, also those of the same input
 * chunk): the focused text field takes printable keys, ←/→, Home/End and Backspace; anything else is a
 * wizard key.
 */
function onInput(state: WizardState, input: string, key: Key): WizardState {
  const field = key.ctrl && input === 'c' ? undefined : focusedTextField(state);
  if (field) {
    const value = textFieldValue(state, field);
    const edit = editText(value, state.textCursor, input, key);
    if (edit) {
      return edit.value === value
        ? { ...state, textCursor: edit.cursor }
        : withText(state, field, edit.value, edit.cursor);
    }
  }
  const action = matchKey(WIZARD_KEYMAP, input, key);
  return action ? wizardReducer(state, { type: 'key', key: action }) : state;
}
