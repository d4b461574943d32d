import { homedir } from 'node:os';
import { useEffect, useReducer, useRef } from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { liveAreaLines } from '../dashboard/layout.js';
import { fit, truncateEnd, truncateMiddle } from '../shared/format.js';
import { WIZARD_KEYMAP, formatHints, matchKey } from '../shared/keymap.js';
import type { WizardKeyAction } from '../shared/keymap.js';
import { ThemeContext, useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { useGuardedInput } from '../shared/use-guarded-input.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { configSummaryLines, problemLines } from './config-summary.js';
import type { ConfigFile, DescribeConfigResult } from './config-summary.js';
import {
  STEP_TITLES,
  WIZARD_STEPS,
  WORKFLOW_CHOICES,
  buildArgv,
  displayPath,
  focusedTextField,
  formatCommandLine,
  initialWizardState,
  isTypingPath,
  matchingConfigs,
  optionsFor,
  otherConfigs,
  pathFieldsFor,
  pathsToDescribe,
  previewedConfigPath,
  withArticle,
  wizardReducer,
  workflowChoice,
} from './wizard-state.js';
import type { OptionSpec, TextField, WizardAction, WizardState } from './wizard-state.js';

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

function WizardRoot({ cwd, listConfigs, describeConfig, onSubmit, onCancel, homeDir }: WizardProps) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useReducer(wizardReducer, { cwd, homeDir: homeDir ?? homedir() }, initialWizardState);

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

  const textField = focusedTextField(state);
  useGuardedInput((input, key) => {
    const action = matchKey(WIZARD_KEYMAP, input, key);
    if (!action) return;
    // A focused text field owns printable keys and the cursor keys.
    if (textField && (action === 'left' || action === 'right' || action === 'toggle')) return;
    dispatch({ type: 'key', key: action });
  });

  const width = Math.max(20, columns);
  const bodyLines = Math.max(3, liveAreaLines(rows) - 3);
  const onText = (field: TextField) => (value: string) => dispatch({ type: 'text', field, value });

  return (
    <Box flexDirection="column" width={width}>
      <StepTitle state={state} width={width} />
      {state.step === 'workflow' ? <WorkflowStep state={state} width={width} /> : null}
      {state.step === 'config' ? <ConfigStep state={state} width={width} lines={bodyLines} onText={onText} /> : null}
      {state.step === 'paths' ? <PathsStep state={state} width={width} onText={onText} /> : null}
      {state.step === 'options' ? <OptionsStep state={state} width={width} onText={onText} /> : null}
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

type OnText = (field: TextField) => (value: string) => void;

function StepTitle({ state, width }: { state: WizardState; width: number }) {
  const theme = useTheme();
  const current = WIZARD_STEPS.indexOf(state.step);
  const steps = WIZARD_STEPS.map((step, i) => {
    const label = `${i + 1} ${STEP_TITLES[step]}`;
    return i === current ? `[${label}]` : label;
  }).join(theme.unicode ? ' › ' : ' > ');
  return (
    <Text wrap="truncate" bold color={theme.tone('accent')}>
      {truncateEnd(`ocm-tui setup  ${steps}`, width - 1, theme.glyphs.ellipsis)}
    </Text>
  );
}

function Pointer({ on }: { on: boolean }) {
  const theme = useTheme();
  return <Text bold>{on ? `${theme.glyphs.pointer} ` : '  '}</Text>;
}

function WorkflowStep({ state, width }: { state: WizardState; width: number }) {
  const theme = useTheme();
  const labelWidth = Math.max(...WORKFLOW_CHOICES.map((c) => c.label.length)) + 2;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">What do you want to do?</Text>
      {WORKFLOW_CHOICES.map((choice, i) => (
        <Text key={choice.id} wrap="truncate">
          <Pointer on={i === state.workflowCursor} />
          <Text bold={i === state.workflowCursor}>{fit(choice.label, labelWidth)}</Text>
          <Text color={theme.tone('muted')}>
            {truncateEnd(choice.description, Math.max(0, width - labelWidth - 3), theme.glyphs.ellipsis)}
          </Text>
        </Text>
      ))}
    </Box>
  );
}

function ConfigPreview({ state, width, lines }: { state: WizardState; width: number; lines: number }) {
  const theme = useTheme();
  const path = previewedConfigPath(state);
  if (!path || lines < 2) return null;
  const described = state.descriptions[path];
  if (!described || described.status === 'loading') {
    return (
      <Text wrap="truncate" color={theme.tone('muted')}>
        {truncateEnd(`Reading ${path}${theme.glyphs.ellipsis}`, width - 1, theme.glyphs.ellipsis)}
      </Text>
    );
  }
  const result = described.result;
  if (!result.ok) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate" color={theme.tone('error')} bold>
          {truncateEnd(
            `${theme.glyphs.failed} ${path}: ${result.problems.length} problem(s)`,
            width - 1,
            theme.glyphs.ellipsis,
          )}
        </Text>
        {problemLines(result.problems, lines - 1).map((line, i) => (
          <Text key={i} wrap="truncate" color={theme.tone('error')}>
            {truncateEnd(`  ${path}:${line}`, width - 1, theme.glyphs.ellipsis)}
          </Text>
        ))}
      </Box>
    );
  }
  const wanted = workflowChoice(state.workflow).configKind;
  const mismatch = result.summary.kind !== wanted;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold color={theme.tone(mismatch ? 'warn' : 'ok')}>
        {truncateEnd(
          `${mismatch ? theme.glyphs.warning : theme.glyphs.done} ${path}: ${result.summary.kind}${mismatch ? ` (this workflow needs ${withArticle(wanted)})` : ''}`,
          width - 1,
          theme.glyphs.ellipsis,
        )}
      </Text>
      {configSummaryLines(result.summary, lines - 1).map((line, i) => (
        <Text key={i} wrap="truncate">
          {truncateEnd(`  ${line}`, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ))}
    </Box>
  );
}

function ConfigStep({
  state,
  width,
  lines,
  onText,
}: {
  state: WizardState;
  width: number;
  lines: number;
  onText: OnText;
}) {
  const theme = useTheme();
  const kind = workflowChoice(state.workflow).configKind;
  const files = matchingConfigs(state);
  const others = otherConfigs(state);
  const typing = isTypingPath(state);
  const header = `Which ${kind}? (files in ${truncateMiddle(state.cwd, Math.max(10, width - kind.length - 25), theme.glyphs.ellipsis)})`;
  // Window the list around the cursor; the preview gets the rest of the lines.
  const listRoom = Math.max(1, Math.min(files.length, Math.floor((lines - 3) / 2)));
  const start = Math.min(Math.max(0, state.configCursor - listRoom + 1), Math.max(0, files.length - listRoom));
  const shown = files.slice(start, start + listRoom);
  const notes =
    state.configs.status === 'loading'
      ? `Looking for configs${theme.glyphs.ellipsis}`
      : state.configs.status === 'failed'
        ? `Could not list configs: ${state.configs.message}`
        : files.length === 0
          ? `No ${kind} found here: type a path`
          : files.length > shown.length
            ? `${files.length} files (${files.length - shown.length} not shown)`
            : others.length > 0
              ? `${others.length} other config(s) not listed (${[...new Set(others.map((o) => o.kind))].join(', ')})`
              : undefined;
  const used = 1 + shown.length + 1 + (notes ? 1 : 0);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">{truncateEnd(header, width - 1, theme.glyphs.ellipsis)}</Text>
      {shown.map((file, i) => {
        const index = start + i;
        return (
          <Text key={file.path} wrap="truncate">
            <Pointer on={index === state.configCursor} />
            <Text bold={index === state.configCursor}>
              {truncateMiddle(displayPath(state.cwd, file.path), width - 3, theme.glyphs.ellipsis)}
            </Text>
          </Text>
        );
      })}
      <Box>
        <Pointer on={typing} />
        <Text>Type a path: </Text>
        {typing && state.configs.status !== 'loading' ? (
          <TextInput value={state.typedPath} onChange={onText('typedPath')} focus />
        ) : (
          <Text color={theme.tone('muted')}>{state.typedPath}</Text>
        )}
      </Box>
      {notes ? (
        <Text wrap="truncate" color={theme.tone('muted')}>
          {truncateEnd(notes, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
      <ConfigPreview state={state} width={width} lines={lines - used} />
    </Box>
  );
}

function PathsStep({ state, width, onText }: { state: WizardState; width: number; onText: OnText }) {
  const theme = useTheme();
  const specs = pathFieldsFor(state.workflow);
  const labelWidth = Math.max(...specs.map((s) => s.label.length)) + 2;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">{`${workflowChoice(state.workflow).label}: where from, where to?`}</Text>
      {specs.map((spec, i) => {
        const focused = i === state.pathCursor;
        const error = state.pathErrors[spec.field];
        return (
          <Box key={spec.field} flexDirection="column">
            <Box>
              <Pointer on={focused} />
              <Text bold={focused}>{fit(spec.label, labelWidth)}</Text>
              {focused ? (
                <TextInput value={state.paths[spec.field]} onChange={onText(spec.field)} focus />
              ) : (
                <Text>{state.paths[spec.field]}</Text>
              )}
            </Box>
            {error ? (
              <Text wrap="truncate" color={theme.tone('error')}>
                {truncateEnd(`    ${theme.glyphs.failed} ${error}`, width - 1, theme.glyphs.ellipsis)}
              </Text>
            ) : focused ? (
              <Text wrap="truncate" color={theme.tone('muted')}>
                {truncateEnd(`    ${spec.help}`, width - 1, theme.glyphs.ellipsis)}
              </Text>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}

function optionValue(state: WizardState, spec: OptionSpec, theme: Theme): string {
  const value = state.options[spec.id];
  if (typeof value === 'boolean') return value ? '[x] yes' : '[ ] no';
  if (typeof value === 'number') return theme.unicode ? `‹ ${value} ›` : `< ${value} >`;
  return value;
}

function OptionsStep({ state, width, onText }: { state: WizardState; width: number; onText: OnText }) {
  const theme = useTheme();
  const specs = optionsFor(state.workflow);
  const labelWidth = Math.max(...specs.map((s) => s.label.length)) + 2;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">Options (defaults preset; only changes go on the command line)</Text>
      {specs.map((spec, i) => {
        const focused = i === state.optionCursor;
        return (
          <Box key={spec.id}>
            <Pointer on={focused} />
            <Text bold={focused}>{fit(spec.label, labelWidth)}</Text>
            {focused && spec.kind === 'text' ? (
              <TextInput value={state.options.cacheDir} onChange={onText('cacheDir')} focus />
            ) : (
              <Text>{fit(optionValue(state, spec, theme), 10)}</Text>
            )}
            {focused ? (
              <Text wrap="truncate" color={theme.tone('muted')}>
                {'  ' + truncateEnd(spec.help, Math.max(0, width - labelWidth - 16), theme.glyphs.ellipsis)}
              </Text>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}

function changedOptions(state: WizardState): string {
  const argv = buildArgv(state);
  const first = argv.findIndex(
    (a) =>
      a.startsWith('--parallel') ||
      a.startsWith('--src') ||
      a.startsWith('--dest') ||
      a === '--dry-run' ||
      a === '--cache-dir',
  );
  return first < 0 ? 'defaults' : argv.slice(first).join(' ');
}

function ReviewStep({ state, width }: { state: WizardState; width: number }) {
  const theme = useTheme();
  const choice = workflowChoice(state.workflow);
  const rows: [string, string][] = [
    ['Workflow', choice.label],
    ['Config', `${state.configPath ?? ''} (${choice.configKind})`],
    ...pathFieldsFor(state.workflow).map((spec): [string, string] => [spec.label, state.paths[spec.field].trim()]),
    ['Options', changedOptions(state)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        Review
      </Text>
      {rows.map(([label, value]) => (
        <Text key={label} wrap="truncate">
          {'  ' + fit(label, labelWidth)}
          {truncateMiddle(value, Math.max(8, width - labelWidth - 3), theme.glyphs.ellipsis)}
        </Text>
      ))}
      <Text wrap="truncate" bold>
        The same run without the wizard:
      </Text>
      <Text color={theme.tone('accent')}>{'  ' + formatCommandLine(buildArgv(state))}</Text>
      {state.workflow === 'delete' ? (
        <Text wrap="truncate" color={theme.tone('warn')}>
          {truncateEnd(
            'delete --generate only writes the list of images to delete; nothing is deleted until you run it with --delete-yaml-file.',
            width - 1,
            theme.glyphs.ellipsis,
          )}
        </Text>
      ) : null}
      <Text wrap="truncate">Enter starts, Esc goes back.</Text>
    </Box>
  );
}

export type { WizardAction };
