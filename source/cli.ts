#!/usr/bin/env node
/**
 * ocm-tui entry point: parses the oc-mirror v2 command line, picks the UI (Ink dashboard on a terminal,
 * plain or JSON lines otherwise) and runs the workflow. Ink and React are imported lazily, only on the
 * interactive path, so headless runs and `--help` start fast.
 */
import meow from 'meow';
import { HELP_TEXT } from './help-text.js';
import { VERSION } from '../core/version.js';
import { shouldUseUi } from './ui-mode.js';
import { main } from './main.js';

const cli = meow(HELP_TEXT, {
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

const useUi = shouldUseUi(cli.flags, process.env, process.stdin, process.stdout);
const code = await main({ flags: cli.flags, input: cli.input, useUi });
process.exitCode = code;
