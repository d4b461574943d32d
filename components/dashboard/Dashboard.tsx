import { Box } from 'ink';
import { Line } from '../shared/Line.js';
import { truncateEnd } from '../shared/format.js';
import { DASHBOARD_KEYMAP, formatHints, matchKey } from '../shared/keymap.js';
import type { DashboardKeyAction } from '../shared/keymap.js';
import { useTheme } from '../shared/theme.js';
import { useGuardedInput } from '../shared/use-guarded-input.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import type { TerminalSize } from '../shared/use-terminal-size.js';
import { selectErrors, selectLayerRows, selectOverall, selectVisibleImages } from './dashboard-selectors.js';
import type { DashboardState, DashboardUiAction } from './dashboard-types.js';
import { DashboardHeader, phaseLineText } from './DashboardHeader.js';
import { ErrorsPanel } from './ErrorsPanel.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ImagesTable } from './ImagesTable.js';
import { computeDashboardLayout, computeImageColumns, computeLayerColumns } from './layout.js';
import type { DashboardLayout } from './layout.js';
import { LayerPanel } from './LayerPanel.js';

export interface DashboardProps {
  state: DashboardState;
  /** Receives key-driven actions (the store's `dispatch`). */
  onAction: (action: DashboardUiAction) => void;
  /** Overrides the terminal size; by default stdout's, 80×24 when unknown, updated on resize. */
  size?: TerminalSize;
}

/** The text of the cancel banner (also used by tests). */
export const CANCEL_BANNER = 'Cancelling: finishing in-flight requests. Press Ctrl+C again to force quit.';

/** Maps a key press to a dashboard action for the current layout (page size = visible table rows). */
function actionForKey(action: DashboardKeyAction | undefined, layout: DashboardLayout): DashboardUiAction | undefined {
  const rows = Math.max(1, layout.tableRows);
  switch (action) {
    case 'up':
      return { type: 'ui.move', delta: -1, rows };
    case 'down':
      return { type: 'ui.move', delta: 1, rows };
    case 'pageUp':
      return { type: 'ui.move', delta: -rows, rows };
    case 'pageDown':
      return { type: 'ui.move', delta: rows, rows };
    case 'home':
      return { type: 'ui.home', rows };
    case 'end':
      return { type: 'ui.end', rows };
    case 'back':
      return { type: 'ui.clearSelection' };
    case 'toggleFailedOnly':
      return { type: 'ui.toggleFilter' };
    case 'toggleErrors':
      return { type: 'ui.toggleErrors' };
    case 'help':
      return { type: 'ui.toggleHelp' };
    default:
      // Ctrl+C belongs to the app root (DashboardApp).
      return undefined;
  }
}

/**
 * The live dashboard: header, overall progress, images table, layer panel of the selected image, errors
 * panel, cancel banner and key hints, laid out to stay shorter than the terminal at any size.
 */
export function Dashboard({ state, onAction, size }: DashboardProps) {
  const theme = useTheme();
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const overall = selectOverall(state);
  // The failed-only filter applies to the errors panel too: errors only, no warnings.
  const errorsOnly = state.ui.filter === 'failed';
  const errorEntries = errorsOnly ? state.errors.filter((e) => e.severity === 'error').length : state.errors.length;
  const selected = state.ui.selectedId !== undefined ? state.images.get(state.ui.selectedId) : undefined;
  const phaseLine = phaseLineText(state, theme);
  const layout = computeDashboardLayout({
    columns,
    rows,
    selected: selected !== undefined,
    blobCount: selected?.blobs.size ?? 0,
    errorCount: errorEntries,
    showErrors: state.ui.showErrors,
    cancelling: state.ui.cancelRequested,
    phaseLine: phaseLine !== undefined,
    showHelp: state.ui.showHelp,
  });

  useGuardedInput((input, key) => {
    const action = actionForKey(matchKey(DASHBOARD_KEYMAP, input, key), layout);
    if (action) onAction(action);
  });

  const view = selectVisibleImages(state, { rows: layout.tableRows });
  const layers = selected && layout.layerRows > 0 ? selectLayerRows(state, selected.id, layout.layerRows) : undefined;
  const errors = layout.errorRows > 0 ? selectErrors(state, layout.errorRows, errorsOnly) : [];
  const width = layout.columns;

  return (
    <Box flexDirection="column" width={width}>
      {layout.header ? (
        <DashboardHeader
          state={state}
          overall={overall}
          width={width}
          stats={layout.stats}
          bar={layout.overallBar}
          phaseLine={layout.phaseLine ? phaseLine : undefined}
        />
      ) : null}
      {layout.banner ? (
        <Line
          segments={[
            {
              text: truncateEnd(`${theme.glyphs.warning} ${CANCEL_BANNER}`, width - 1, theme.glyphs.ellipsis),
              bold: true,
              tone: 'warn',
            },
          ]}
          width={width}
          theme={theme}
        />
      ) : null}
      {layout.helpRows > 0 ? (
        <HelpOverlay bindings={DASHBOARD_KEYMAP} rows={layout.helpRows} width={width} />
      ) : layout.tableRows > 0 ? (
        <ImagesTable
          view={view}
          columns={computeImageColumns(width, { verified: state.policyActive })}
          width={width}
          tick={state.tick}
        />
      ) : null}
      {layout.helpRows === 0 && layers ? (
        <LayerPanel layers={layers} columns={computeLayerColumns(width)} width={width} tick={state.tick} />
      ) : null}
      {layout.helpRows === 0 && errors.length > 0 ? (
        <ErrorsPanel entries={errors} errorCount={state.errorCount} warningCount={state.warningCount} width={width} />
      ) : null}
      {layout.hints ? (
        <Line
          segments={[{ text: formatHints(DASHBOARD_KEYMAP, width - 1, theme.unicode), tone: 'muted' }]}
          width={width}
          theme={theme}
        />
      ) : null}
    </Box>
  );
}
