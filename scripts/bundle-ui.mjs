// Bundles the interactive UI (source/interactive/ui-mounts.tsx as compiled by tsc, with Ink, React and
// every component) into one ES module next to it: dist/source/interactive/ui-mounts.bundle.js.
// Loading one tree-shaken file instead of ~150 modules is most of the dashboard's start-up cost
// (docs/decisions.md, "The UI is pre-bundled"). The whole CLI in one file is scripts/package.mjs.
import { build } from 'esbuild';
import { join } from 'node:path';
import { inkRowCachedOutput, root, sharedOptions, yogaWithInlineBinary } from './esbuild-shared.mjs';

const started = Date.now();
await build({
  ...sharedOptions,
  entryPoints: [join(root, 'dist/source/interactive/ui-mounts.js')],
  outfile: join(root, 'dist/source/interactive/ui-mounts.bundle.js'),
  sourcemap: 'linked',
  legalComments: 'eof',
  // The core (loaded by the CLI anyway) already has yaml in memory: the UI shares that copy.
  external: ['yaml'],
  plugins: [inkRowCachedOutput, yogaWithInlineBinary],
});
console.log(`bundled the UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
