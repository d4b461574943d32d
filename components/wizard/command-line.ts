/** The wizard's result as the equivalent command line: the argv handed to the CLI and the text users learn. */
import { defaultOptions, optionsFor, pathFieldsFor } from './wizard-fields.js';
import type { WizardState } from './wizard-types.js';

/** The argv of the equivalent headless run (only non-default options), without the program name. */
export function buildArgv(state: WizardState): string[] {
  const argv: string[] = [];
  const { workflow, paths, options } = state;
  if (workflow === 'delete') argv.push('delete', '--generate');
  argv.push('-c', state.configPath ?? '');
  for (const spec of pathFieldsFor(workflow)) {
    const value = paths[spec.field].trim();
    if (spec.flag) argv.push(spec.flag, value);
    else argv.push(value);
  }
  const applicable = new Set(optionsFor(workflow).map((o) => o.id));
  const defaults = defaultOptions(state.homeDir);
  if (applicable.has('parallelImages') && options.parallelImages !== defaults.parallelImages) {
    argv.push('--parallel-images', String(options.parallelImages));
  }
  if (applicable.has('parallelLayers') && options.parallelLayers !== defaults.parallelLayers) {
    argv.push('--parallel-layers', String(options.parallelLayers));
  }
  if (applicable.has('srcTlsVerify') && !options.srcTlsVerify) argv.push('--src-tls-verify=false');
  if (applicable.has('destTlsVerify') && !options.destTlsVerify) argv.push('--dest-tls-verify=false');
  if (applicable.has('dryRun') && options.dryRun) argv.push('--dry-run');
  const cacheDir = options.cacheDir.trim();
  if (applicable.has('cacheDir') && cacheDir !== '' && cacheDir !== defaults.cacheDir)
    argv.push('--cache-dir', cacheDir);
  return argv;
}

/** POSIX-shell quoting, only where needed, so the line can be pasted as is. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "ocm-tui -c isc.yaml --workspace file://ws docker://reg:5000 --parallel-images 6" */
export function formatCommandLine(argv: readonly string[], program = 'ocm-tui'): string {
  return [program, ...argv.map(shellQuote)].join(' ');
}
