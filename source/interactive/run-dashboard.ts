/**
 * Runs a workflow under the Ink dashboard. The core only sees an event sink and an AbortSignal; Ctrl+C
 * (as a key), SIGINT, SIGTERM and SIGHUP all go through one cancellation: first graceful, second forced.
 * The exit code is the one the headless run of the same command would return.
 */
import type { MirrorEvent, RunSummary } from '../../core/events.js';
import { describeError } from '../../core/errors.js';
import { createCancellation } from '../cancellation.js';
import { exitCodeOf } from '../cli-errors.js';
import { applyColorEnv } from './color-env.js';
import { loadUi } from './load-ui.js';

export async function runWithDashboard(opts: {
  fps: number;
  run: (sink: (e: MirrorEvent) => void, signal: AbortSignal) => Promise<RunSummary>;
  /** `ocm-tui demo`: the summary does not point at files the demo removes. */
  demo?: boolean;
}): Promise<number> {
  applyColorEnv();
  const ui = await loadUi();
  const store = ui.createDashboardStore({ fps: opts.fps });
  const holder: { instance?: ReturnType<typeof ui.mountDashboard> } = {};
  const cancellation = createCancellation({
    onGraceful: () => store.dispatch({ type: 'ui.cancelRequested' }),
    onForce: () => {
      holder.instance?.unmount();
      process.stderr.write('forced exit: temporary files of unfinished transfers are cleaned up on the next run\n');
      process.exit(130);
    },
  });
  const instance = ui.mountDashboard(
    {
      store,
      onCancel: () => cancellation.request('Ctrl+C'),
      onForceQuit: () => cancellation.request('Ctrl+C'),
      demo: opts.demo,
    },
    {
      exitOnCtrlC: false,
      maxFps: opts.fps,
      incrementalRendering: process.env.OCM_TUI_INCREMENTAL === '1',
      patchConsole: false,
    },
  );
  holder.instance = instance;
  // Ink 6 creates the exit promise on first call; an app that already unmounted would never resolve it.
  const exited = instance.waitUntilExit();
  try {
    const summary = await opts.run(store.dispatch, cancellation.signal);
    store.flush();
    await exited;
    return summary.exitCode;
  } catch (err) {
    instance.unmount();
    await exited.catch(() => undefined);
    process.stderr.write(`error: ${describeError(err)}\n`);
    return exitCodeOf(err);
  } finally {
    cancellation.dispose();
  }
}
