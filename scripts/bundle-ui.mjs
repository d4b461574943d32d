// Bundles the interactive UI (source/interactive/ui-mounts.tsx as compiled by tsc, with Ink, React and
// every component) into one ES module next to it: dist/source/interactive/ui-mounts.bundle.js.
// Loading one tree-shaken file instead of ~150 modules is most of the dashboard's start-up cost
// (docs/decisions.md, "The UI is pre-bundled"). esbuild-wasm: no native binary is downloaded at install.
import { build } from 'esbuild-wasm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

// Ink's screen buffer rebuilds every row of every frame cell by cell; the bundle uses our drop-in that
// builds only rows that changed (source/interactive/ink-row-cached-output.ts, docs/decisions.md).
const INK_OUTPUT_FOR = /^6\.8\./;
const inkRowCachedOutput = {
  name: 'ink-row-cached-output',
  setup(plugin) {
    const ink = JSON.parse(readFileSync(join(root, 'node_modules/ink/package.json'), 'utf8')).version;
    if (!INK_OUTPUT_FOR.test(ink)) {
      throw new Error(
        `ink ${ink}: the screen buffer swapped into the bundle was written for Ink 6.8's; compare it with the new ` +
          'build/output.js, run test/components/ink-row-cached-output.test.ts, then update INK_OUTPUT_FOR',
      );
    }
    plugin.onResolve({ filter: /^\.\/output\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]build$/.test(args.resolveDir)
        ? { path: join(root, 'dist/source/interactive/ink-row-cached-output.js') }
        : undefined,
    );
  },
};
const started = Date.now();
// Yoga's loader turns its embedded WebAssembly (a base64 data: URL) into bytes with fetch(), and the first
// use of fetch loads and compiles Node's internal copy of undici: ~30 ms of every dashboard's start. Handing
// the loader the bytes (decoded natively) skips that; the module is otherwise yoga-layout's own index.
const yogaDir = join(root, 'node_modules/yoga-layout/dist');
const yogaWithInlineBinary = {
  name: 'yoga-with-inline-binary',
  setup(plugin) {
    plugin.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: 'yoga-layout', namespace: 'yoga-inline' }));
    plugin.onLoad({ filter: /.*/, namespace: 'yoga-inline' }, () => {
      const loader = readFileSync(join(yogaDir, 'binaries/yoga-wasm-base64-esm.js'), 'utf8');
      const wasm = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(loader)?.[1];
      if (!wasm) throw new Error('yoga-layout: the embedded WebAssembly was not found (has the package changed?)');
      return {
        resolveDir: yogaDir,
        loader: 'js',
        contents: [
          "import loadYoga from './binaries/yoga-wasm-base64-esm.js';",
          "import wrapAssembly from './src/wrapAssembly.js';",
          "export * from './src/generated/YGEnums.js';",
          `const Yoga = wrapAssembly(await loadYoga({ wasmBinary: Buffer.from(${JSON.stringify(wasm)}, 'base64') }));`,
          'export default Yoga;',
        ].join('\n'),
      };
    });
  },
};

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
  plugins: [inkRowCachedOutput, yogaWithInlineBinary],
  logLevel: 'warning',
});
console.log(`bundled the UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
