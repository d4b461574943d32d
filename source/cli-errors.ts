/**
 * How a failed command ends: the exit code of an error, and the error's report (stderr, or one JSON line on
 * stdout with `--output json`). Used by the dispatcher and by every command, so it imports none of them.
 */
import { ConfigError, OcmError, describeError } from '../core/errors.js';
import { EXIT } from '../core/workflow/exit-code.js';
import { jsonErrorLine } from './reporters/json-reporter.js';

export function exitCodeOf(err: unknown): number {
  if (err instanceof OcmError && err.code === 'CANCELLED') return EXIT.cancelled;
  const code = (err as { exitCode?: number }).exitCode;
  return typeof code === 'number' ? code : EXIT.generic;
}

/** Reports `err` the way the output mode asks and returns its exit code. */
export function reportFailure(err: unknown, json: boolean): number {
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
