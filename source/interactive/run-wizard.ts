/**
 * `ocm-tui` with no arguments on a terminal: the wizard builds an argv, then that argv runs exactly as if it
 * had been typed (same parsing, same validation, same dashboard, same exit code).
 */
import { applyColorEnv } from './color-env.js';
import { listConfigFiles, describeConfigFile } from './config-files.js';
import { loadUi } from './load-ui.js';

export async function runWizard(opts: {
  fps: number;
  /** Runs the chosen argv as a typed command line (main.ts passes its own dispatch). */
  runArgv: (argv: string[]) => Promise<number>;
}): Promise<number> {
  applyColorEnv();
  const ui = await loadUi();
  const cwd = process.cwd();
  let chosen: string[] | undefined;
  const instance = ui.mountWizard(
    {
      cwd,
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
