/**
 * `ocm-tui` with no arguments on a terminal: the wizard builds an argv, then that argv runs exactly as if it
 * had been typed (same parsing, same validation, same dashboard, same exit code).
 */
import { applyColorEnv } from './color-env.js';
import type { CliFlags } from '../main.js';
import { createBuilderServices } from './builder-services.js';
import { listConfigFiles, describeConfigFile } from './config-files.js';
import { loadUi } from './load-ui.js';

export async function runWizard(opts: { fps: number; flags?: Partial<CliFlags> }): Promise<number> {
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
  const { parseCli } = await import('../parse-cli.js');
  const { main } = await import('../main.js');
  const cli = parseCli(chosen);
  return main({ flags: { ...cli.flags, fps: opts.fps }, input: cli.input, useUi: true });
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
