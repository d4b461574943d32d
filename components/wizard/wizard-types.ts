/**
 * The wizard's state and actions as types only. `wizard-state.ts` (the reducer) and `command-line.ts` (argv
 * from a state) both depend on these and not on each other's values, so the wizard's imports stay one-way.
 */
import type { Key } from 'ink';
import type { Workflow } from '../../core/events.js';
import type { WizardKeyAction } from '../shared/keymap.js';
import type { ConfigFile, DescribeConfigResult } from './config-summary.js';
import type { PathField, WizardOptions, WizardStep } from './wizard-fields.js';

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
  /** Index into the matching configs; one past the end is the "type a path" row, then "Create a new config". */
  configCursor: number;
  /** The config builder offers "Create a new config" (set when the wizard has builder services). */
  canBuild?: boolean;
  /** The config builder is open (it owns the keys until it hands back a saved path). */
  building?: boolean;
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
  /**
   * Cursor (code-point offset) in the focused text field; undefined means "at the end", which is where it
   * goes whenever the focus moves to another field.
   */
  textCursor?: number;
  /** A step-level message (why Enter did not advance). */
  message?: string;
  outcome?: { type: 'submit'; argv: string[] } | { type: 'cancel' };
}

export type WizardAction =
  /** A wizard key already mapped to its action (tests, and keys that are not text). */
  | { type: 'key'; key: WizardKeyAction }
  /**
   * One key press as Ink reports it, mapped against the state this action is applied to (not the state of
   * the last render): text for the focused field, or a wizard key.
   */
  | { type: 'input'; input: string; key: Key }
  | { type: 'configs.loaded'; files: readonly ConfigFile[] }
  | { type: 'configs.failed'; message: string }
  | { type: 'config.describing'; path: string }
  | { type: 'config.described'; path: string; result: DescribeConfigResult }
  /** Replaces a field's whole value (the cursor goes to its end). */
  | { type: 'text'; field: TextField; value: string }
  /** The config builder closed, with the path it saved (or none when the user went back). */
  | { type: 'builder.done'; path?: string };
