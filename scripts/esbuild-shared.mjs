// What both bundles (the UI bundle of scripts/bundle-ui.mjs and the one-file package of scripts/package.mjs)
// do to the compiled sources and their dependencies: the same React/Ink build, the same Ink screen buffer,
// the same Yoga loader.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const root = fileURLToPath(new URL('..', import.meta.url));

// Ink's screen buffer rebuilds every row of every frame cell by cell; the bundles use our drop-in that
// builds only rows that changed (source/interactive/ink-row-cached-output.ts, docs/decisions.md).
const INK_OUTPUT_FOR = /^6\.8\./;
export const inkRowCachedOutput = {
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

// Yoga's loader turns its embedded WebAssembly (a base64 data: URL) into bytes with fetch(), and the first
// use of fetch loads and compiles Node's internal copy of undici: ~30 ms of every dashboard's start. Handing
// the loader the bytes (decoded natively) skips that; the module is otherwise yoga-layout's own index.
const yogaDir = join(root, 'node_modules/yoga-layout/dist');
export const yogaWithInlineBinary = {
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

const devtoolsStub = join(root, 'scripts/devtools-stub.mjs');

/** esbuild options both bundles share. */
export const sharedOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // React and Ink pick their production build from NODE_ENV at run time; the bundles keep only that build.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink reaches react-devtools-core and ws only with DEV=true (React DevTools); the bundles ship neither.
  alias: { 'react-devtools-core': devtoolsStub, ws: devtoolsStub },
  // CommonJS dependencies (react, react-reconciler, signal-exit, undici) call require() for node built-ins.
  banner: {
    js: "import { createRequire as __ocmCreateRequire } from 'node:module'; const require = __ocmCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};
