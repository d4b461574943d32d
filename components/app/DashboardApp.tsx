import { useEffect } from 'react';
import { useApp } from 'ink';
import { Dashboard } from '../dashboard/Dashboard.js';
import { useDashboardState } from '../dashboard/use-event-store.js';
import type { DashboardStore } from '../dashboard/use-event-store.js';
import { liveAreaLines } from '../dashboard/layout.js';
import { ThemeContext, useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { useGuardedInput } from '../shared/use-guarded-input.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { SummaryView } from '../summary/SummaryView.js';

export interface DashboardAppProps {
  /** Fed by the core's emitter (`createEmitter(store.dispatch)`). */
  store: DashboardStore;
  /** First Ctrl+C: start a graceful cancel (abort the run's AbortController). */
  onCancel: () => void;
  /** Second Ctrl+C: restore the terminal and exit now. */
  onForceQuit: () => void;
  /** @default the theme from the environment (NO_COLOR, FORCE_COLOR, locale) */
  theme?: Theme;
  /** The run is `ocm-tui demo` (its files are removed at the end): see SummaryOptions. @default false */
  demo?: boolean;
}

/**
 * Root of the live run: the dashboard until the `summary` event, then the summary, then `exit()`.
 * Ctrl+C is handled here once for the whole app (render with `exitOnCtrlC: false`). A SIGINT handled
 * outside Ink should `store.dispatch({ type: 'ui.cancelRequested' })` so the banner shows and the next
 * Ctrl+C forces.
 */
export function DashboardApp({ store, onCancel, onForceQuit, theme, demo }: DashboardAppProps) {
  const inherited = useTheme();
  return (
    <ThemeContext.Provider value={theme ?? inherited}>
      <DashboardRoot store={store} onCancel={onCancel} onForceQuit={onForceQuit} demo={demo} />
    </ThemeContext.Provider>
  );
}

function DashboardRoot({ store, onCancel, onForceQuit, demo }: Omit<DashboardAppProps, 'theme'>) {
  const state = useDashboardState(store);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();

  useGuardedInput((input, key) => {
    if (!(key.ctrl && input === 'c')) return;
    // Read the store, not a local counter: a SIGINT may already have requested the cancel.
    if (store.getSnapshot().ui.cancelRequested) {
      onForceQuit();
      return;
    }
    store.dispatch({ type: 'ui.cancelRequested' });
    onCancel();
  });

  const summary = state.summary;
  useEffect(() => {
    // The summary frame has been committed; unmounting renders it one last time and leaves it on screen.
    if (summary) exit();
  }, [summary, exit]);

  if (summary) {
    return <SummaryView summary={summary} maxLines={liveAreaLines(rows)} width={columns} demo={demo} />;
  }
  return <Dashboard state={state} onAction={store.dispatch} size={{ columns, rows }} />;
}
