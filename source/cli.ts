#!/usr/bin/env node
/**
 * ocm-tui entry point: parses the oc-mirror v2 command line, picks the UI (Ink dashboard on a terminal,
 * plain or JSON lines otherwise) and runs the workflow. Ink and React are imported lazily, only on the
 * interactive path, so headless runs and `--help` start fast.
 */
import { parseCli } from './parse-cli.js';
import { shouldUseUi } from './ui-mode.js';
import { main } from './main.js';

// React reads NODE_ENV when its first module loads (the interactive modules import react/jsx-runtime
// statically): decide here, before any of them, so every React module picks the same (production) build.
process.env.NODE_ENV ??= 'production';

const cli = parseCli(process.argv.slice(2));
const useUi = shouldUseUi(cli.flags, process.env, process.stdin, process.stdout);
const code = await main({ flags: cli.flags, input: cli.input, useUi, unknownFlags: cli.unknownFlags });
process.exitCode = code;
