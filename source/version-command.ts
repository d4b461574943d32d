/**
 * `ocm-tui version` (`../shared/spec/core.md` §2.6). Same flags, messages and output
 * shapes as oc-mirror's: `--output json|yaml` prints `clientVersion` (JSON in field order, indented by two;
 * YAML with sorted keys, as sigs.k8s.io/yaml writes it); without `--output`, a deprecation warning on stderr and
 * a Go-style struct dump; `--short` prints `Client Version: v<version>` (the root `--version` is
 * version-line.ts). Go-only fields are filled with what is true of ocm-tui: `goVersion` is
 * empty, `compiler` is `tsc`, and `nodeVersion` is added.
 */
import { stringify } from 'yaml';
import { UsageError } from '../core/errors.js';
import { BUILD, VERSION } from '../core/version.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
  nodeVersion: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le' };

export function versionInfo(): VersionInfo {
  const [major = '', minor = ''] = VERSION.split('.');
  return {
    major,
    minor,
    gitVersion: `v${VERSION}`,
    gitCommit: BUILD.gitCommit,
    gitTreeState: BUILD.gitTreeState,
    buildDate: BUILD.buildDate,
    goVersion: '',
    compiler: 'tsc',
    platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
    nodeVersion: process.version,
  };
}

/**
 * `ocm-tui version [--output json|yaml] [--short]`. `output` is the `--output` flag as given, `undefined`
 * when it was not (the CLI's default `text` counts as not given).
 */
export async function runVersionCommand(opts: { output?: string; short?: boolean }): Promise<number> {
  const { output } = opts;
  if (output !== undefined && output !== 'yaml' && output !== 'json') {
    throw new UsageError(`--output must be 'yaml' or 'json'`);
  }
  const clientVersion = versionInfo();
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify({ clientVersion }, null, 2)}\n`);
  } else if (output === 'yaml') {
    process.stdout.write(`${stringify({ clientVersion }, { sortMapEntries: true })}\n`);
  } else if (opts.short) {
    process.stdout.write(`Client Version: ${clientVersion.gitVersion}\n`);
  } else {
    process.stderr.write(
      'WARNING: This version information is deprecated and will be replaced with the output from --short. ' +
        'Use --output=yaml|json to get the full version.\n',
    );
    process.stdout.write(`Client Version: ${goStructDump(clientVersion)}\n`);
  }
  return 0;
}

/** Go's `%#v` of oc-mirror's version.Info: `version.Info{Major:"0", Minor:"1", …}`. */
function goStructDump(info: VersionInfo): string {
  const fields = Object.entries(info).map(([k, v]) => `${k[0].toUpperCase()}${k.slice(1)}:${JSON.stringify(v)}`);
  return `version.Info{${fields.join(', ')}}`;
}
