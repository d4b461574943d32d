/**
 * The mirror command (mirror to disk, disk to mirror, mirror to mirror) and the headless runner every
 * workflow shares: plain or JSON reporter, cancellation, exit code.
 */
import type { MirrorEvent, RunSummary } from '../core/events.js';
import { EXIT } from '../core/workflow/exit-code.js';
import { resolveMirrorArgs } from './mirror-args.js';
import type { CliFlags } from './cli-flags.js';
import { createCancellation } from './cancellation.js';
import { reportFailure } from './cli-errors.js';
import { createPlainReporter } from './reporters/plain-reporter.js';
import { createJsonReporter } from './reporters/json-reporter.js';

export async function runMirrorCommand(
  flags: CliFlags,
  positional: string[],
  mode: { useUi: boolean; json: boolean; demo?: boolean },
): Promise<number> {
  const { options, warnings } = resolveMirrorArgs(flags, positional, process.env);
  for (const w of warnings) process.stderr.write(`WARNING ${w}\n`);
  const { runMirror } = await import('../core/workflow/run-mirror.js');
  if (mode.useUi) {
    const { runWithDashboard } = await import('./interactive/run-dashboard.js');
    return runWithDashboard({
      fps: flags.fps,
      run: (sink, signal) => runMirror(options, { sink, signal }),
      demo: mode.demo,
    });
  }
  return runHeadless((sink, signal) => runMirror(options, { sink, signal }), {
    json: mode.json,
    verbose: options.logLevel === 'debug' || options.logLevel === 'trace',
  });
}

/** Runs a workflow with the plain or JSON reporter and maps its outcome to an exit code. */
export async function runHeadless(
  run: (sink: (e: MirrorEvent) => void, signal: AbortSignal) => Promise<RunSummary>,
  opts: { json: boolean; verbose: boolean },
): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const reporter = opts.json ? createJsonReporter(out) : createPlainReporter({ out, err, verbose: opts.verbose });
  const cancellation = createCancellation({
    onGraceful: (reason) => {
      if (!opts.json) err(`${reason}: cancelling… (finishing nothing new; press Ctrl+C again to force)`);
    },
    onForce: () => {
      err('forced exit');
      process.exit(EXIT.cancelled);
    },
  });
  try {
    const summary = await run(reporter.sink, cancellation.signal);
    return summary.exitCode;
  } catch (e) {
    return reportFailure(e, opts.json);
  } finally {
    reporter.close();
    cancellation.dispose();
  }
}
