/**
 * Dispatch after flag parsing: wizard, mirror, delete, list, version or demo; headless or interactive.
 * Returns the exit code; all output goes through the chosen reporter so headless and dashboard runs end the
 * same way. The CLI is one-way: cli.ts → main.ts → commands → shared CLI modules (cli-flags, cli-errors,
 * parse-cli, mirror-args, reporters) → core. Nothing below imports main; the wizard gets `runArgv` instead.
 */
import { UsageError } from '../core/errors.js';
import type { CliInvocation } from './cli-flags.js';
import { reportFailure } from './cli-errors.js';
import { parseCli } from './parse-cli.js';
import { runMirrorCommand } from './mirror-command.js';

export async function main(args: CliInvocation): Promise<number> {
  const { flags, useUi } = args;
  const json = flags.output === 'json';
  if (args.unknownFlags && args.unknownFlags.length > 0) {
    // Exit 1 like every other flag error (oc-mirror, spec §2.9), rather than meow's exit 2.
    const list = args.unknownFlags.join(', ');
    return reportFailure(new UsageError(`unknown flag: ${list}`, 'run ocm-tui --help for the list of flags'), json);
  }
  const [command, ...rest] = args.input;
  try {
    if (command === 'version') {
      // `version` has its own --output values (yaml, json); the CLI default `text` counts as not given.
      const { runVersionCommand } = await import('./version-command.js');
      return await runVersionCommand({
        output: flags.output === 'text' ? undefined : flags.output,
        short: flags.short,
      });
    }
    if (flags.output !== 'text' && flags.output !== 'json') {
      throw new UsageError(`--output must be "text" or "json" (got "${flags.output}")`);
    }
    if (command === 'list') {
      const { runListCommand } = await import('./list-command.js');
      return await runListCommand(flags, rest, json);
    }
    if (flags.version !== undefined) {
      const { versionLine } = await import('./version-line.js');
      process.stdout.write(versionLine());
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
      // The wizard's argv runs exactly as if it had been typed: same parsing, same dispatch.
      return await runWizard({
        fps: flags.fps,
        flags,
        runArgv: (argv) => {
          const cli = parseCli(argv);
          return main({ flags: { ...cli.flags, fps: flags.fps }, input: cli.input, useUi: true });
        },
      });
    }
    return await runMirrorCommand(flags, args.input, { useUi, json });
  } catch (err) {
    return reportFailure(err, json);
  }
}
