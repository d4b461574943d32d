/**
 * The command line as meow parses it. Shared by the entry point and the wizard (which builds an argv and
 * runs it exactly like a typed command).
 */
import meow from 'meow';
import { HELP_TEXT } from './help-text.js';
import { VERSION } from '../core/version.js';
import type { CliFlags } from './cli-flags.js';

const FLAGS = {
  config: { type: 'string', shortFlag: 'c' },
  from: { type: 'string' },
  workspace: { type: 'string' },
  cacheDir: { type: 'string' },
  authfile: { type: 'string' },
  srcTlsVerify: { type: 'boolean' },
  destTlsVerify: { type: 'boolean' },
  certDir: { type: 'string' },
  // oc-mirror's (skopeo-style) spellings, named by the TLS error hints; one CA directory serves both sides.
  srcCertDir: { type: 'string' },
  destCertDir: { type: 'string' },
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
  // list operators (`--version`/`-v` doubles as the version flag when given alone, see main.ts)
  catalog: { type: 'string' },
  catalogs: { type: 'boolean' },
  package: { type: 'string' },
  channel: { type: 'string' },
  version: { type: 'string', shortFlag: 'v' },
  // version --short (oc-mirror's, deprecated there)
  short: { type: 'boolean' },
  // list releases (`--version` and `--channel` above are shared with list operators)
  channels: { type: 'boolean' },
  filterByArchs: { type: 'string' },
  // signature policy (collectors.md §6.1): --policy only counts with --secure-policy
  securePolicy: { type: 'boolean' },
  policy: { type: 'string' },
  ignoreReleaseSignature: { type: 'boolean' },
  // `--registries.d DIR`: the parser's dot notation delivers it as `registries: {d: DIR}` (see parseCli)
  registriesD: { type: 'string' },
  // accepted for compatibility, unused (as in oc-mirror)
  rootlessStoragePath: { type: 'string' },
} as const;

export function parseCli(argv: string[]): { flags: CliFlags; input: string[]; unknownFlags: string[] } {
  const cli = meow(HELP_TEXT, {
    argv,
    description: false,
    importMeta: import.meta,
    version: VERSION,
    // No package.json lookup: the one-file build has none beside it, and a checkout's says nothing more.
    pkg: { name: 'ocm-tui', version: VERSION },
    // `list operators --version 4.18` needs --version as a string flag; main.ts prints the version otherwise.
    autoVersion: false,
    // Unknown flags are reported by main() as a usage error (exit 1, like oc-mirror, spec §2.9) instead of by
    // meow, which prints its own message and exits 2.
    allowUnknownFlags: true,
    booleanDefault: undefined,
    flags: FLAGS,
  });

  const flags = cli.flags as CliFlags & { registries?: unknown };
  const dotted = flags.registries;
  if (dotted !== undefined) {
    const dir = (dotted as { d?: unknown }).d;
    if (typeof dir === 'string') flags.registriesD = dir;
    delete flags.registries;
  }
  return {
    flags,
    input: cli.input,
    unknownFlags: unknownFlags(argv, cli.unnormalizedFlags).filter(
      (f) => !(f === '--registries.d' && typeof flags.registriesD === 'string'),
    ),
  };
}

/** Parsed keys that are not flags of ours, spelled as the user typed them (`--foo`, `--no-foo`, `-x`). */
function unknownFlags(argv: string[], parsed: Record<string, unknown>): string[] {
  const known = new Set<string>(['help']);
  for (const [name, spec] of Object.entries(FLAGS)) {
    known.add(name);
    if ('shortFlag' in spec) known.add(spec.shortFlag);
  }
  const separator = argv.indexOf('--');
  const typed = (separator < 0 ? argv : argv.slice(0, separator)).filter((a) => a.startsWith('-'));
  return Object.keys(parsed)
    .filter((key) => key !== '--' && !known.has(key))
    .map((key) => {
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const match = typed.find((a) => {
        const name = a.replace(/^--?/, '').split('=')[0];
        return name === key || name === kebab || name === `no-${kebab}` || name.split('.')[0] === key;
      });
      return match?.split('=')[0] ?? (key.length === 1 ? `-${key}` : `--${kebab}`);
    });
}
