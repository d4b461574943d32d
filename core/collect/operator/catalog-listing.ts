/**
 * What `list operators` shows (core.md §2.5): a catalog's packages with their display name and default channel,
 * a package's channels with their heads, and a channel's bundle versions. Pure functions over a loaded FBC, so
 * the headless tables, `--output json` and the config builder all show the same data.
 */
import { bundleVersion, type DeclarativeConfig, type FbcBundle } from './fbc-model.js';
import { channelHead } from './channel-graph.js';
import { describeError } from '../../errors.js';
import { byCodeUnit } from '../../code-unit-order.js';

export interface PackageRow {
  name: string;
  displayName: string;
  defaultChannel: string;
}

export interface ChannelRow {
  package: string;
  channel: string;
  /** The channel head's bundle name, or an explanation when the channel graph is broken. */
  head: string;
}

export function listPackages(fbc: DeclarativeConfig): PackageRow[] {
  const bundles = bundlesByName(fbc);
  return fbc.packages
    .map((pkg) => {
      const defaultChannel = pkg.defaultChannel ?? '';
      const channel = fbc.channels.find((c) => c.package === pkg.name && c.name === defaultChannel);
      let displayName = '';
      if (channel) {
        try {
          displayName = displayNameOf(bundles.get(`${pkg.name}/${channelHead(channel)}`));
        } catch {
          // A broken default channel still lists the package; only its display name is unknown.
        }
      }
      return { name: pkg.name, displayName, defaultChannel };
    })
    .sort((a, b) => byCodeUnit(a.name, b.name));
}

export function listChannels(fbc: DeclarativeConfig, pkg: string): ChannelRow[] {
  return fbc.channels
    .filter((c) => c.package === pkg)
    .map((c) => {
      let head: string;
      try {
        head = channelHead(c);
      } catch (err) {
        head = `(invalid channel: ${describeError(err)})`;
      }
      return { package: pkg, channel: c.name, head };
    })
    .sort((a, b) => byCodeUnit(a.channel, b.channel));
}

/** Versions of the channel's bundles, in the order of the channel's entries. */
export function listVersions(fbc: DeclarativeConfig, pkg: string, channel: string): string[] | undefined {
  const found = fbc.channels.find((c) => c.package === pkg && c.name === channel);
  if (!found) return undefined;
  const bundles = bundlesByName(fbc);
  return found.entries.map((e) => {
    const bundle = bundles.get(`${pkg}/${e.name}`);
    return (bundle && bundleVersion(bundle)) ?? e.name;
  });
}

function bundlesByName(fbc: DeclarativeConfig): Map<string, FbcBundle> {
  return new Map(fbc.bundles.map((b) => [`${b.package}/${b.name}`, b]));
}

/** `olm.csv.metadata.displayName`, else the CSV inside `olm.bundle.object`, else ''. */
function displayNameOf(bundle: FbcBundle | undefined): string {
  if (!bundle) return '';
  for (const p of bundle.properties ?? []) {
    if (p.type === 'olm.csv.metadata') {
      const name = (p.value as { displayName?: unknown } | undefined)?.displayName;
      if (typeof name === 'string') return name;
    }
  }
  for (const p of bundle.properties ?? []) {
    if (p.type !== 'olm.bundle.object') continue;
    const data = (p.value as { data?: unknown } | undefined)?.data;
    if (typeof data !== 'string') continue;
    try {
      const doc = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as {
        kind?: string;
        spec?: { displayName?: unknown };
      };
      if (doc.kind === 'ClusterServiceVersion' && typeof doc.spec?.displayName === 'string')
        return doc.spec.displayName;
    } catch {
      // Not JSON: not the CSV.
    }
  }
  return '';
}

/** Go tabwriter-like columns (`minwidth 0, padding 3`): every column but the last padded to its widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
