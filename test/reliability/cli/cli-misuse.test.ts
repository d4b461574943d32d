/**
 * Every command-line misuse of `../shared/spec/core.md` §2.8 (and the other checks of source/mirror-args.ts,
 * source/delete-command.ts and source/main.ts): the exact message on stderr, nothing on stdout, exit code 1.
 * Where several checks fail at once, the first in §2.8's order wins. No registry is needed: every case fails
 * before anything is contacted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../e2e/cli-runner.js';

const RESERVED = [
  'cluster-resources',
  'dry-run',
  'graph-preparation',
  'helm',
  'hold-operator',
  'hold-release',
  'delete',
  'logs',
  'operator-catalogs',
  'release-images',
  'signatures',
];
/**
 * The word reported: the first of the list (in §2.8's order) the path contains. 'operator-catalogs' contains
 * 'logs' (cata-logs), which comes earlier in the list, so oc-mirror names 'logs' for it.
 */
const REPORTED: Record<string, string> = { 'operator-catalogs': 'logs' };
const NO_PREFIX = 'destination must have either file:// (mirror to disk) or docker:// (diskToMirror) protocol prefixes';
const REG = 'docker://registry.example:5000/ns';
const WS = 'file:///tmp/ocm-misuse-ws';
const FROM = 'file:///tmp/ocm-misuse-from';

interface Misuse {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** exact stderr: `error: <message>` (+ `\n  hint: …`) */
  message: string;
}

const mirrorCases: Misuse[] = [
  // PersistentPreRun checks come before Validate (§2.8).
  {
    name: '--workspace without file://',
    args: ['-c', 'isc.yaml', '--workspace', '/data/ws', REG],
    message: 'when --workspace is used, it must have file:// prefix',
  },
  {
    name: 'unknown --log-level',
    args: ['-c', 'isc.yaml', '--log-level', 'verbose', 'file:///data/out'],
    message: 'invalid log-level, must be one of info, debug, trace, error (got "verbose")',
  },
  {
    name: '--cache-dir with OC_MIRROR_CACHE',
    args: ['-c', 'isc.yaml', '--cache-dir', '/data/cache', 'file:///data/out'],
    env: { OC_MIRROR_CACHE: '/data/other' },
    message: 'either OC_MIRROR_CACHE or --cache-dir can be used but not both',
  },
  // Validate, rule by rule.
  {
    name: '1. no --config',
    args: ['file:///data/out'],
    message: 'use the --config flag it is mandatory\n  hint: e.g. ocm-tui -c isc.yaml file:///data/mirror',
  },
  {
    name: '1b. no destination at all',
    args: ['-c', 'isc.yaml'],
    message: `${NO_PREFIX}\n  hint: give the destination as the last argument: file://DIR or docker://REGISTRY[/PATH]`,
  },
  {
    name: '2. file:// destination with --from',
    args: ['-c', 'isc.yaml', '--from', FROM, 'file:///data/out'],
    message: 'when destination is file://, mirrorToDisk workflow is assumed, and the --from argument is not needed',
  },
  ...RESERVED.map((word) => ({
    name: `3. file:// destination containing '${word}'`,
    args: ['-c', 'isc.yaml', `file:///data/x${word}y`],
    message: `the destination contains an internal oc-mirror keyword '${REPORTED[word] ?? word}'`,
  })),
  {
    name: '3. reserved word as a substring (spec example helm-mirror)',
    args: ['-c', 'isc.yaml', 'file:///data/helm-mirror'],
    message: "the destination contains an internal oc-mirror keyword 'helm'",
  },
  {
    name: '4. --from without file://',
    args: ['-c', 'isc.yaml', '--from', '/data/archive', REG],
    message: 'when --from is used, it must have file:// prefix',
  },
  ...RESERVED.map((word) => ({
    name: `6. --from containing '${word}'`,
    args: ['-c', 'isc.yaml', '--from', `file:///data/${word}`, REG],
    message: `the path set in --from flag contains an internal oc-mirror keyword '${REPORTED[word] ?? word}'`,
  })),
  ...['2024/01/31', '24-01-31', '2024-13-01', '2024-02-30', '2023-02-29', '2024-01-31x', 'yesterday'].map((since) => ({
    name: `7. --since ${since}`,
    args: ['-c', 'isc.yaml', '--since', since, 'file:///data/out'],
    message: '--since flag needs to be in format yyyy-MM-dd',
  })),
  {
    name: '8. --dry-run with --dry-run-manifest-lists',
    args: ['-c', 'isc.yaml', '--dry-run', '--dry-run-manifest-lists', 'file:///data/out'],
    message: '--dry-run and --dry-run-manifest-lists cannot be used together (the latter implies the former)',
  },
  ...['0', '11', '2.5', 'many'].map((n) => ({
    name: `9. --parallel-images ${n}`,
    args: ['-c', 'isc.yaml', '--parallel-images', n, 'file:///data/out'],
    message: 'the flag parallel-images must be between the range 1 to 10',
  })),
  ...['0', '11'].map((n) => ({
    name: `9. --parallel-layers ${n}`,
    args: ['-c', 'isc.yaml', '--parallel-layers', n, 'file:///data/out'],
    message: 'the flag parallel-layers must be between the range 1 to 10',
  })),
  {
    name: '10. file:// destination with --workspace',
    args: ['-c', 'isc.yaml', '--workspace', WS, 'file:///data/out'],
    message:
      'when destination is file://, mirrorToDisk workflow is assumed, and the --workspace argument is not needed',
  },
  {
    name: '11. docker:// with both --workspace and --from',
    args: ['-c', 'isc.yaml', '--workspace', WS, '--from', FROM, REG],
    message:
      'when destination is docker://, --from (assumes disk to mirror workflow) and --workspace (assumes mirror to mirror workflow) cannot be used together',
  },
  {
    name: '12. docker:// with neither --workspace nor --from',
    args: ['-c', 'isc.yaml', REG],
    message:
      'when destination is docker://, either --from (assumes disk to mirror workflow) or --workspace (assumes mirror to mirror workflow) need to be provided',
  },
  {
    name: '13. destination without a protocol prefix',
    args: ['-c', 'isc.yaml', '--workspace', WS, 'registry.example:5000/ns'],
    message: NO_PREFIX,
  },
  {
    name: '13. oci:// is not a destination',
    args: ['-c', 'isc.yaml', 'oci:///data/layout'],
    message: NO_PREFIX,
  },
  // First failing check wins.
  {
    name: 'order: --workspace prefix before a missing --config',
    args: ['--workspace', '/data/ws', '--log-level', 'loud', REG],
    message: 'when --workspace is used, it must have file:// prefix',
  },
  {
    name: 'order: log level before cache-dir conflict and missing --config',
    args: ['--log-level', 'loud', '--cache-dir', '/c', REG],
    env: { OC_MIRROR_CACHE: '/d' },
    message: 'invalid log-level, must be one of info, debug, trace, error (got "loud")',
  },
  {
    name: 'order: --from not needed (2) before the reserved word of the destination (3)',
    args: ['-c', 'isc.yaml', '--from', 'file:///data/logs', 'file:///data/helm'],
    message: 'when destination is file://, mirrorToDisk workflow is assumed, and the --from argument is not needed',
  },
  {
    name: 'order: --from prefix (4) before its reserved word (6)',
    args: ['-c', 'isc.yaml', '--from', '/data/logs', REG],
    message: 'when --from is used, it must have file:// prefix',
  },
  {
    name: 'order: --since (7) before dry-run combination (8) and parallelism (9)',
    args: [
      '-c',
      'isc.yaml',
      '--since',
      '1/2/2024',
      '--dry-run',
      '--dry-run-manifest-lists',
      '--parallel-images',
      '0',
      'file:///data/out',
    ],
    message: '--since flag needs to be in format yyyy-MM-dd',
  },
  {
    name: 'order: parallelism (9) before file:// with --workspace (10)',
    args: ['-c', 'isc.yaml', '--parallel-layers', '99', '--workspace', WS, 'file:///data/out'],
    message: 'the flag parallel-layers must be between the range 1 to 10',
  },
  // ocm-tui's own checks, after §2.8's.
  {
    name: 'negative --retry-times',
    args: ['-c', 'isc.yaml', '--retry-times=-1', 'file:///data/out'],
    message: '--retry-times must be a whole number ≥ 0',
  },
  {
    name: 'negative --max-nested-paths',
    args: ['-c', 'isc.yaml', '--max-nested-paths=-2', '--workspace', WS, REG],
    message: '--max-nested-paths must be a whole number ≥ 0',
  },
  ...['0', '65536'].map((port) => ({
    name: `--port ${port}`,
    args: ['-c', 'isc.yaml', '--port', port, 'file:///data/out'],
    message: '--port must be between 1 and 65535',
  })),
  {
    name: '--retry-delay without a unit',
    args: ['-c', 'isc.yaml', '--retry-delay', '5', 'file:///data/out'],
    message: 'invalid value "5" for --retry-delay: expected a duration like 10m, 30s, 1m30s or 500ms',
  },
  {
    name: '--image-timeout garbage',
    args: ['-c', 'isc.yaml', '--image-timeout', '10 minutes', 'file:///data/out'],
    message: 'invalid value "10 minutes" for --image-timeout: expected a duration like 10m, 30s, 1m30s or 500ms',
  },
  {
    name: '--image-timeout 0',
    args: ['-c', 'isc.yaml', '--image-timeout', '0', 'file:///data/out'],
    message: '--image-timeout must be greater than 0',
  },
  ...['docker://', 'docker:///ns'].map((dest) => ({
    name: `empty registry host in ${dest}`,
    args: ['-c', 'isc.yaml', '--workspace', WS, dest],
    message: `invalid destination "${dest}": expected docker://HOST[:PORT][/PATH]`,
  })),
  {
    name: 'two different CA directories',
    args: ['-c', 'isc.yaml', '--src-cert-dir', '/certs/a', '--dest-cert-dir', '/certs/b', '--workspace', WS, REG],
    message:
      '--cert-dir, --src-cert-dir and --dest-cert-dir name different directories; one CA directory is used for all registries\n  hint: put every *.crt file into one directory and give only that one',
  },
  {
    name: '--output neither text nor json',
    args: ['-c', 'isc.yaml', '--output', 'yaml', 'file:///data/out'],
    message: '--output must be "text" or "json" (got "yaml")',
  },
  {
    name: 'unknown flag',
    args: ['-c', 'isc.yaml', '--dest-skip-tls', 'file:///data/out'],
    message: 'unknown flag: --dest-skip-tls\n  hint: run ocm-tui --help for the list of flags',
  },
  {
    name: 'unknown negated and short flags',
    args: ['-c', 'isc.yaml', '--no-such-thing', '-z', 'file:///data/out'],
    message: 'unknown flag: --no-such-thing, -z\n  hint: run ocm-tui --help for the list of flags',
  },
];

const deleteCases: Misuse[] = [
  {
    name: 'delete without a destination',
    args: ['delete', '--delete-yaml-file', 'd.yaml'],
    message: 'the destination registry is missing in the command arguments',
  },
  {
    name: 'delete to file://',
    args: ['delete', '--delete-yaml-file', 'd.yaml', 'file:///data/out'],
    message: 'the destination registry "file:///data/out" must start with docker://',
  },
  {
    name: 'delete --workspace without file://',
    args: ['delete', '--generate', '-c', 'disc.yaml', '--workspace', '/data/ws', REG],
    message: 'when --workspace is used, it must have file:// prefix',
  },
  {
    name: 'delete --delete-v1-images without --generate',
    args: ['delete', '--delete-v1-images', '--delete-yaml-file', 'd.yaml', REG],
    message: '--delete-v1-images can only be used with --generate',
  },
  {
    name: 'delete --cache-dir with OC_MIRROR_CACHE',
    args: ['delete', '--cache-dir', '/c', '--delete-yaml-file', 'd.yaml', REG],
    env: { OC_MIRROR_CACHE: '/d' },
    message: 'either OC_MIRROR_CACHE or --cache-dir can be used but not both',
  },
  {
    name: 'delete --generate without --config',
    args: ['delete', '--generate', '--workspace', WS, REG],
    message: 'use the --config flag it is mandatory with --generate',
  },
  {
    name: 'delete --generate without --workspace',
    args: ['delete', '--generate', '-c', 'disc.yaml', REG],
    message: 'use the --workspace flag, it is mandatory when using the delete command with the --generate flag',
  },
  {
    name: 'delete without --generate or --delete-yaml-file',
    args: ['delete', REG],
    message: 'the --delete-yaml-file flag is mandatory when not using --generate',
  },
  {
    name: 'delete --delete-yaml-file that does not exist',
    args: ['delete', '--delete-yaml-file', '/nonexistent/delete-images.yaml', 'docker://127.0.0.1:9/ns'],
    message:
      'file not found /nonexistent/delete-images.yaml\n  hint: pass the delete-images.yaml written by `ocm-tui delete --generate`',
  },
];

/** A HOME without auth files, so no case depends on the machine's credentials or cache. */
const home = mkdtempSync(join(tmpdir(), 'ocm-misuse-home-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

async function expectMisuse(c: Misuse): Promise<void> {
  const env: NodeJS.ProcessEnv = { HOME: home, OC_MIRROR_CACHE: '', REGISTRY_AUTH_FILE: '', ...c.env };
  const result = await runCli(c.args, { env, cwd: home, timeoutMs: 30_000 });
  assert.equal(result.stderr, `error: ${c.message}\n`, `${c.name}: stderr`);
  assert.equal(result.stdout, '', `${c.name}: stdout`);
  assert.equal(result.code, 1, `${c.name}: exit code`);
}

/** Runs a table with a little concurrency: each case is a node start-up (~0.3 s), the machine has 2 cores. */
async function runTable(cases: Misuse[]): Promise<void> {
  const queue = [...cases];
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          await expectMisuse(c);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed`);
}

test(`mirror command: ${mirrorCases.length} misuses → exact message, exit 1`, async () => {
  await runTable(mirrorCases);
});

test(`delete command: ${deleteCases.length} misuses → exact message, exit 1`, async () => {
  await runTable(deleteCases);
});

test('--output json: a misuse is one JSON error line on stdout, nothing on stderr, exit 1', async () => {
  const result = await runCli(['-c', 'isc.yaml', '--output', 'json', '--parallel-images', '0', 'file:///data/out'], {
    env: { HOME: home },
    cwd: home,
  });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, result.stdout);
  const event = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.deepEqual(
    { type: event.type, code: event.code, message: event.message, exitCode: event.exitCode },
    {
      type: 'error',
      code: 'USAGE',
      message: 'the flag parallel-images must be between the range 1 to 10',
      exitCode: 1,
    },
  );
});

test('5. --from with --since is only a warning (then the run goes on)', async () => {
  // The run then fails on the missing configuration file: proof that the warning did not stop it.
  const run = await runCli(
    ['-c', join(home, 'missing.yaml'), '--from', `file://${home}/in`, '--since', '2024-01-31', REG],
    {
      env: { HOME: home },
      cwd: home,
    },
  );
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.split('\n');
  assert.equal(lines[0], 'WARNING --since is ignored with --from (it only applies to mirror to disk)');
  assert.equal(lines[1], 'error: invalid configuration');
  assert.ok(lines[2].includes('missing.yaml'), run.stderr);
});
