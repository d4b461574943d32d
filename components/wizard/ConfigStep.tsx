/** The config step: configs of the right kind, a typed path, and what the highlighted config asks for. */
import { Box, Text } from 'ink';
import { truncateEnd, truncateMiddle } from '../shared/format.js';
import { TextField } from '../shared/TextField.js';
import { useTheme } from '../shared/theme.js';
import { configSummaryLines, problemLines } from './config-summary.js';
import {
  displayPath,
  isOnCreateRow,
  isTypingPath,
  offersBuilder,
  matchingConfigs,
  otherConfigs,
  previewedConfigPath,
  withArticle,
  workflowChoice,
} from './wizard-state.js';
import type { WizardState } from './wizard-state.js';
import { Pointer } from './WizardSteps.js';

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

export function ConfigStep({ state, width, lines }: { state: WizardState; width: number; lines: number }) {
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
  const creating = isOnCreateRow(state);
  const used = 1 + shown.length + 1 + (offersBuilder(state) ? 1 : 0) + (notes ? 1 : 0);
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
          <TextField value={state.typedPath} cursor={state.textCursor} />
        ) : (
          <Text color={theme.tone('muted')}>{state.typedPath}</Text>
        )}
      </Box>
      {offersBuilder(state) ? (
        <Text wrap="truncate">
          <Pointer on={creating} />
          <Text bold={creating}>Create a new config</Text>
          <Text color={theme.tone('muted')}>
            {truncateEnd('  browse catalogs and release channels', Math.max(0, width - 24), theme.glyphs.ellipsis)}
          </Text>
        </Text>
      ) : null}
      {notes ? (
        <Text wrap="truncate" color={theme.tone('muted')}>
          {truncateEnd(notes, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
      <ConfigPreview state={state} width={width} lines={lines - used} />
    </Box>
  );
}
