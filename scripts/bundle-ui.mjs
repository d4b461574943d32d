// Bundles the interactive UI (source/interactive/ui-mounts.tsx as compiled by tsc, with Ink, React and
// every component) into one ES module next to it: dist/source/interactive/ui-mounts.bundle.js.
// Loading one tree-shaken file instead of ~150 modules is most of the dashboard's start-up cost
// (docs/decisions.md, "The UI is pre-bundled"). esbuild-wasm: no native binary is downloaded at install.
import { build } from 'esbuild-wasm';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
await build({
  entryPoints: [join(root, 'dist/source/interactive/ui-mounts.js')],
  outfile: join(root, 'dist/source/interactive/ui-mounts.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  // React and Ink pick their production build from NODE_ENV at run time; the bundle keeps only that build.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink reaches react-devtools-core and ws only with DEV=true (React DevTools); the bundle ships neither.
  alias: { 'react-devtools-core': join(root, 'scripts/devtools-stub.mjs'), ws: join(root, 'scripts/devtools-stub.mjs') },
  // The core (loaded by the CLI anyway) already has yaml in memory: the UI shares that copy.
  external: ['yaml'],
  // CommonJS dependencies (react, react-reconciler, signal-exit) call require() for node built-ins.
  banner: { js: "import { createRequire as __ocmCreateRequire } from 'node:module'; const require = __ocmCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`bundled the UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
