import { homedir } from 'node:os';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { Box, Text } from 'ink';
import { liveAreaLines } from '../dashboard/layout.js';
import { truncateEnd } from '../shared/format.js';
import { WIZARD_KEYMAP, formatHints } from '../shared/keymap.js';
import type { WizardKeyAction } from '../shared/keymap.js';
import { ThemeContext, useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { useGuardedInput } from '../shared/use-guarded-input.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import type { ConfigFile, DescribeConfigResult } from './config-summary.js';
import { ConfigBuilder } from '../config-builder/ConfigBuilder.js';
import type { BuilderServices } from '../config-builder/ConfigBuilder.js';
import { ConfigStep } from './ConfigStep.js';
import { initialWizardState, pathsToDescribe, wizardReducer } from './wizard-state.js';
import type { WizardState } from './wizard-state.js';
import { OptionsStep, PathsStep, ReviewStep, StepTitle, WorkflowStep } from './WizardSteps.js';

export interface WizardProps {
  /** The directory configs are looked for in (shown to the user; relative paths are relative to it). */
  cwd: string;
  /** ImageSetConfiguration / DeleteImageSetConfiguration files found in `cwd` (detected by `kind`). */
  listConfigs: () => Promise<ConfigFile[]>;
  /** Parses and validates a config (the core's parser), for the preview and the inline problems. */
  describeConfig: (path: string) => Promise<DescribeConfigResult>;
  /** Receives the argv of the chosen run (without the program name), as shown on the review screen. */
  onSubmit: (argv: string[]) => void;
  /** Esc on the first step, or Ctrl+C. */
  onCancel: () => void;
  /** Default of the cache directory option. @default os.homedir() */
  homeDir?: string;
  /** Enables "Create a new config" (the config builder) on the config step. */
  builder?: BuilderServices;
  theme?: Theme;
}

const STEP_HINTS: Record<WizardState['step'], WizardKeyAction[]> = {
  workflow: ['down', 'enter', 'cancel'],
  config: ['down', 'enter', 'back', 'cancel'],
  paths: ['down', 'enter', 'back', 'cancel'],
  options: ['down', 'right', 'enter', 'back', 'cancel'],
  review: ['enter', 'back', 'cancel'],
};

/**
 * The interactive setup for `ocm-tui` without arguments: workflow, config (with its contents and problems
 * shown before anything runs), locations, options, and a review that teaches the equivalent command line.
 */
export function Wizard(props: WizardProps) {
  const inherited = useTheme();
  return (
    <ThemeContext.Provider value={props.theme ?? inherited}>
      <WizardRoot {...props} />
    </ThemeContext.Provider>
  );
}

function WizardRoot({ cwd, listConfigs, describeConfig, onSubmit, onCancel, homeDir, builder }: WizardProps) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useReducer(
    wizardReducer,
    { cwd, homeDir: homeDir ?? homedir(), canBuild: builder !== undefined },
    initialWizardState,
  );

  useEffect(() => {
    let live = true;
    listConfigs().then(
      (files) => live && dispatch({ type: 'configs.loaded', files }),
      (error: unknown) => live && dispatch({ type: 'configs.failed', message: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [listConfigs]);

  useEffect(() => {
    for (const path of pathsToDescribe(state)) {
      dispatch({ type: 'config.describing', path });
      describeConfig(path).then(
        (result) => dispatch({ type: 'config.described', path, result }),
        (error: unknown) =>
          dispatch({
            type: 'config.described',
            path,
            result: { ok: false, problems: [{ line: 0, column: 0, message: errorMessage(error) }] },
          }),
      );
    }
  }, [state, describeConfig]);

  const outcome = state.outcome;
  const reported = useRef(false);
  useEffect(() => {
    // Exactly once, even if the parent re-renders with new callbacks.
    if (!outcome || reported.current) return;
    reported.current = true;
    if (outcome.type === 'submit') onSubmit(outcome.argv);
    else onCancel();
  }, [outcome, onSubmit, onCancel]);

  // Every key goes to the reducer, which maps it against the state left by the keys before it (also those of
  // the same input chunk): text typed right after ↓ lands in the field ↓ moved to, not the one on screen.
  useGuardedInput((input, key) => dispatch({ type: 'input', input, key }));
  // While the builder is open the reducer ignores these keys (Ctrl+C still leaves the wizard).
  const onBuilt = useCallback(
    (path: string | undefined, quit?: boolean) =>
      dispatch(quit ? { type: 'key', key: 'cancel' } : { type: 'builder.done', path }),
    [],
  );

  if (state.building && builder) return <ConfigBuilder services={builder} onDone={onBuilt} />;

  const width = Math.max(20, columns);
  const bodyLines = Math.max(3, liveAreaLines(rows) - 3);

  return (
    <Box flexDirection="column" width={width}>
      <StepTitle state={state} width={width} />
      {state.step === 'workflow' ? <WorkflowStep state={state} width={width} /> : null}
      {state.step === 'config' ? <ConfigStep state={state} width={width} lines={bodyLines} /> : null}
      {state.step === 'paths' ? <PathsStep state={state} width={width} /> : null}
      {state.step === 'options' ? <OptionsStep state={state} width={width} /> : null}
      {state.step === 'review' ? <ReviewStep state={state} width={width} /> : null}
      {state.message ? (
        <Text wrap="truncate" color={theme.tone('warn')}>
          {truncateEnd(`${theme.glyphs.warning} ${state.message}`, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
      <Text wrap="truncate" color={theme.tone('muted')}>
        {formatHints(WIZARD_KEYMAP, width - 1, theme.unicode, STEP_HINTS[state.step])}
      </Text>
    </Box>
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
