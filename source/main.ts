/**
 * Dispatch after flag parsing: wizard, mirror, delete or demo; headless or interactive. Returns the exit
 * code; all output goes through the chosen reporter so headless and dashboard runs end the same way.
 */
import { OcmError, UsageError, describeError } from '../core/errors.js';
import { ConfigError } from '../core/errors.js';
import type { MirrorEvent, RunSummary } from '../core/events.js';
import { EXIT } from '../core/workflow/exit-code.js';
import { resolveMirrorArgs, type MirrorFlags } from './mirror-args.js';
import { createCancellation } from './cancellation.js';
import { createPlainReporter } from './reporters/plain-reporter.js';
import { createJsonReporter, jsonErrorLine } from './reporters/json-reporter.js';

export interface CliFlags extends MirrorFlags {
  ui: boolean;
  output: string;
  fps: number;
  generate?: boolean;
  deleteYamlFile?: string;
  deleteId?: string;
  deleteSignatures?: boolean;
  deleteV1Images?: boolean;
  forceCacheDelete?: boolean;
  catalog?: string;
  catalogs?: boolean;
  package?: string;
  channel?: string;
  /** `list operators|releases --version X`; alone (`--version`) prints ocm-tui's version. */
  version?: string;
  /** `list releases --channels --version X.Y` */
  channels?: boolean;
  /** `list releases --filter-by-archs amd64,arm64` (comma-separated; default amd64) */
  filterByArchs?: string;
}

export async function main(args: {
  flags: CliFlags;
  input: string[];
  useUi: boolean;
  unknownFlags?: string[];
}): Promise<number> {
  const { flags, useUi } = args;
  const json = flags.output === 'json';
  if (args.unknownFlags && args.unknownFlags.length > 0) {
    // Exit 1 like every other flag error (oc-mirror, spec §2.9), rather than meow's exit 2.
    const list = args.unknownFlags.join(', ');
    return fail(new UsageError(`unknown flag: ${list}`, 'run ocm-tui --help for the list of flags'), json);
  }
  if (flags.output !== 'text' && flags.output !== 'json') {
    return fail(new UsageError(`--output must be "text" or "json" (got "${flags.output}")`), json);
  }
  const [command, ...rest] = args.input;
  try {
    if (command === 'list') {
      const { runListCommand } = await import('./list-command.js');
      return await runListCommand(flags, rest, json);
    }
    if (command === 'version' || flags.version !== undefined) {
      const { VERSION } = await import('../core/version.js');
      process.stdout.write(`ocm-tui ${VERSION} (oc-mirror v2 compatible)\n`);
      return 0;
    }
    if (command === 'demo') {
      const { runDemo } = await import('./demo.js');
      return await runDemo({ useUi, fps: flags.fps });
    }
    if (command === 'delete') {
      const { runDeleteCommand } = await import('./delete-command.js');
      return await runDeleteCommand(flags, rest, { useUi, json });
    }
    if (args.input.length === 0 && !flags.config && useUi) {
      const { runWizard } = await import('./interactive/run-wizard.js');
      return await runWizard({ fps: flags.fps, flags });
    }
    return await runMirrorCommand(flags, args.input, { useUi, json });
  } catch (err) {
    return fail(err, json);
  }
}

export async function runMirrorCommand(
  flags: CliFlags,
  positional: string[],
  mode: { useUi: boolean; json: boolean },
): Promise<number> {
  const { options, warnings } = resolveMirrorArgs(flags, positional, process.env);
  for (const w of warnings) process.stderr.write(`WARNING ${w}\n`);
  const { runMirror } = await import('../core/workflow/run-mirror.js');
  if (mode.useUi) {
    const { runWithDashboard } = await import('./interactive/run-dashboard.js');
    return runWithDashboard({ fps: flags.fps, run: (sink, signal) => runMirror(options, { sink, signal }) });
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
    return fail(e, opts.json);
  } finally {
    reporter.close();
    cancellation.dispose();
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof OcmError && err.code === 'CANCELLED') return EXIT.cancelled;
  const code = (err as { exitCode?: number }).exitCode;
  return typeof code === 'number' ? code : EXIT.generic;
}

function fail(err: unknown, json: boolean): number {
  const code = exitCodeOf(err);
  if (json) {
    process.stdout.write(`${jsonErrorLine(err instanceof OcmError ? err.code : 'ERROR', describeError(err), code)}\n`);
  } else if (err instanceof ConfigError) {
    process.stderr.write(`error: invalid configuration\n${err.message}\n`);
  } else {
    process.stderr.write(`error: ${describeError(err)}\n`);
    if (!(err instanceof OcmError) && err instanceof Error && err.stack && process.env.OCM_TUI_DEBUG) {
      process.stderr.write(`${err.stack}\n`);
    }
  }
  return code;
}
