/** The small steps of the wizard (title bar, workflow choice, locations, options, review). */
import { Box, Text } from 'ink';
import { fit, truncateEnd, truncateMiddle } from '../shared/format.js';
import { TextField } from '../shared/TextField.js';
import { useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import {
  STEP_TITLES,
  WIZARD_STEPS,
  WORKFLOW_CHOICES,
  buildArgv,
  formatCommandLine,
  optionsFor,
  pathFieldsFor,
  workflowChoice,
} from './wizard-state.js';
import type { OptionSpec, WizardState } from './wizard-state.js';

export function StepTitle({ state, width }: { state: WizardState; width: number }) {
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

export function Pointer({ on }: { on: boolean }) {
  const theme = useTheme();
  return <Text bold>{on ? `${theme.glyphs.pointer} ` : '  '}</Text>;
}

export function WorkflowStep({ state, width }: { state: WizardState; width: number }) {
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

export function PathsStep({ state, width }: { state: WizardState; width: number }) {
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
                <TextField value={state.paths[spec.field]} cursor={state.textCursor} />
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

export function OptionsStep({ state, width }: { state: WizardState; width: number }) {
  const theme = useTheme();
  const specs = optionsFor(state.workflow);
  const labelWidth = Math.max(...specs.map((s) => s.label.length)) + 2;
  const valueRoom = Math.max(10, width - labelWidth - 3);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">Options (defaults preset; only changes go on the command line)</Text>
      {specs.map((spec, i) => {
        const focused = i === state.optionCursor;
        if (spec.kind === 'text' && focused) {
          // The row being edited shows its whole value (wrapped when long), its help on the line below.
          return (
            <Box key={spec.id} flexDirection="column">
              <Box>
                <Pointer on />
                <Text bold>{fit(spec.label, labelWidth)}</Text>
                <Box width={valueRoom}>
                  <TextField value={state.options.cacheDir} cursor={state.textCursor} />
                </Box>
              </Box>
              <Text wrap="truncate" color={theme.tone('muted')}>
                {truncateEnd(`    ${spec.help}`, width - 1, theme.glyphs.ellipsis)}
              </Text>
            </Box>
          );
        }
        return (
          <Box key={spec.id}>
            <Pointer on={focused} />
            <Text bold={focused}>{fit(spec.label, labelWidth)}</Text>
            {spec.kind === 'text' ? (
              // A path keeps both ends when cut: its last directories say which one it is.
              <Text wrap="truncate">
                {truncateMiddle(optionValue(state, spec, theme), valueRoom, theme.glyphs.ellipsis)}
              </Text>
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

export function ReviewStep({ state, width }: { state: WizardState; width: number }) {
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
