/**
 * `ocm-tui` with no arguments on a terminal: the wizard builds an argv, then that argv runs exactly as if it
 * had been typed (same parsing, same validation, same dashboard, same exit code).
 */
import { applyColorEnv } from './color-env.js';
import type { CliFlags } from '../cli-flags.js';
import { createBuilderServices } from './builder-services.js';
import { listConfigFiles, describeConfigFile } from './config-files.js';
import { loadUi } from './load-ui.js';

export async function runWizard(opts: {
  fps: number;
  /** The command line's flags (TLS, auth, cert dir) for the config builder's reads. */
  flags?: Partial<CliFlags>;
  /** Runs the chosen argv as a typed command line (main.ts passes its own dispatch). */
  runArgv: (argv: string[]) => Promise<number>;
}): Promise<number> {
  applyColorEnv();
  const ui = await loadUi();
  const cwd = process.cwd();
  let chosen: string[] | undefined;
  // "Create a new config" reads catalogs and graphs with the flags given with the wizard (TLS, auth, certs).
  const builder = createBuilderServices(cwd, opts.flags);
  const instance = ui.mountWizard(
    {
      cwd,
      builder,
      listConfigs: () => listConfigFiles(cwd),
      describeConfig: (path) => describeConfigFile(path),
      onSubmit: (argv) => {
        chosen = argv;
        instance.unmount();
      },
      onCancel: () => instance.unmount(),
    },
    { exitOnCtrlC: false, maxFps: opts.fps, patchConsole: false },
  );
  await instance.waitUntilExit();
  await builder.close();
  if (!chosen) {
    process.stderr.write('wizard cancelled: nothing was run\n');
    return 0;
  }
  process.stdout.write(`running: ocm-tui ${chosen.map(quoteArg).join(' ')}\n`);
  return opts.runArgv(chosen);
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
