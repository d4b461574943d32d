/**
 * A synthetic File-Based Catalog of any size (packages × bundles, channels replacing each other), for the config
 * builder's scrolling/filtering measurements and reducer tests. Names and display names are varied so fuzzy
 * filters have something to rank.
 */
import type { DeclarativeConfig, FbcBundle, FbcChannel, FbcPackage } from '../../core/collect/operator/fbc-model.js';

const WORDS = ['cluster', 'logging', 'storage', 'network', 'security', 'data', 'mesh', 'cache', 'kafka', 'vault'];

export interface SyntheticCatalogOptions {
  packages: number;
  bundlesPerPackage: number;
}

export function syntheticCatalog(opts: SyntheticCatalogOptions): DeclarativeConfig {
  const packages: FbcPackage[] = [];
  const channels: FbcChannel[] = [];
  const bundles: FbcBundle[] = [];
  for (let p = 0; p < opts.packages; p++) {
    const name = `${WORDS[p % WORDS.length]}-${WORDS[Math.floor(p / WORDS.length) % WORDS.length]}-operator-${p}`;
    const display = `${WORDS[(p * 7) % WORDS.length]} ${WORDS[(p * 3) % WORDS.length]} Operator ${p}`;
    packages.push({ schema: 'olm.package', name, defaultChannel: 'stable' });
    const stable: FbcChannel = { schema: 'olm.channel', package: name, name: 'stable', entries: [] };
    const fast: FbcChannel = { schema: 'olm.channel', package: name, name: 'fast', entries: [] };
    for (let b = 0; b < opts.bundlesPerPackage; b++) {
      const version = `1.${b}.0`;
      const bundle = `${name}.v${version}`;
      bundles.push({
        schema: 'olm.bundle',
        package: name,
        name: bundle,
        image: `registry.example/ops/${name}-bundle:v${version}`,
        properties: [
          { type: 'olm.package', value: { packageName: name, version } },
          { type: 'olm.csv.metadata', value: { displayName: display } },
        ],
        relatedImages: [{ name: 'operator', image: `registry.example/ops/${name}:v${version}` }],
      });
      const entry = b === 0 ? { name: bundle } : { name: bundle, replaces: `${name}.v1.${b - 1}.0` };
      stable.entries.push(entry);
      if (b >= opts.bundlesPerPackage - 2)
        fast.entries.push(b === opts.bundlesPerPackage - 2 ? { name: bundle } : entry);
    }
    channels.push(stable, fast);
  }
  return { packages, channels, bundles, deprecations: [], others: [] };
}
