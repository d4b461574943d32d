/**
 * The command line as meow parses it. Shared by the entry point and the wizard (which builds an argv and
 * runs it exactly like a typed command).
 */
import meow from 'meow';
import { HELP_TEXT } from './help-text.js';
import { VERSION } from '../core/version.js';
import type { CliFlags } from './main.js';

export function parseCli(argv: string[]): { flags: CliFlags; input: string[] } {
  const cli = meow(HELP_TEXT, {
    argv,
    description: false,
    importMeta: import.meta,
    version: VERSION,
    allowUnknownFlags: false,
    booleanDefault: undefined,
    flags: {
      config: { type: 'string', shortFlag: 'c' },
      from: { type: 'string' },
      workspace: { type: 'string' },
      cacheDir: { type: 'string' },
      authfile: { type: 'string' },
      srcTlsVerify: { type: 'boolean' },
      destTlsVerify: { type: 'boolean' },
      certDir: { type: 'string' },
      parallelImages: { type: 'number' },
      parallelLayers: { type: 'number' },
      retryTimes: { type: 'number' },
      retryDelay: { type: 'string' },
      imageTimeout: { type: 'string' },
      dryRun: { type: 'boolean' },
      dryRunManifestLists: { type: 'boolean' },
      since: { type: 'string' },
      strictArchive: { type: 'boolean' },
      maxNestedPaths: { type: 'number' },
      removeSignatures: { type: 'boolean' },
      logLevel: { type: 'string' },
      port: { type: 'number', shortFlag: 'p' },
      v2: { type: 'boolean' },
      ui: { type: 'boolean', default: true },
      output: { type: 'string', default: 'text' },
      fps: { type: 'number', default: 10 },
      // delete
      generate: { type: 'boolean' },
      deleteYamlFile: { type: 'string' },
      deleteId: { type: 'string' },
      deleteSignatures: { type: 'boolean' },
      deleteV1Images: { type: 'boolean' },
      forceCacheDelete: { type: 'boolean' },
      // accepted for compatibility, unused (as in oc-mirror)
      securePolicy: { type: 'boolean' },
      policy: { type: 'string' },
      ignoreReleaseSignature: { type: 'boolean' },
      registriesD: { type: 'string' },
      rootlessStoragePath: { type: 'string' },
    },
  });

  return { flags: cli.flags as CliFlags, input: cli.input };
}
