// `npm run package`: the whole CLI (every command, the core, the Ink UI and every dependency) in ONE file,
// dist/ocm-tui.mjs, that runs with `node` (>= 20) and nothing beside it: what a disconnected site carries in
// (docs/decisions.md, "One file for disconnected sites"). Needs the tsc output (`npm run build` runs this
// script at its end).
//
// Start-up: V8 scans every function of a module's source before it runs it, so one 2.3 MB module costs
// ~45 ms more CPU than today's modules before `--help` prints, and importing a data: URL module costs even
// more (Node's URL handling of megabytes). The file is therefore esbuild's code-split ES modules (one entry,
// chunks loaded on demand, shared state in shared chunks) stored as base64 inside comments after a small
// loader, which writes them once into a per-user cache directory named by their hash (or, when it cannot, into
// a private temporary directory removed at exit), then imports the entry from there: `--help` compiles only
// the entry and its static chunks, the wizard adds the UI chunk.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { inkRowCachedOutput, root, sharedOptions, yogaWithInlineBinary } from './esbuild-shared.mjs';

const started = Date.now();
const outfile = join(root, 'dist/ocm-tui.mjs');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'source/cli.js'))) {
  throw new Error('dist/source/cli.js is missing: run `npm run build` (tsc) first');
}
const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The UI is one more chunk: load it with a plain import() instead of looking for the separate UI bundle.
const uiIsAChunk = {
  name: 'ui-is-a-chunk',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/]source[\\/]interactive[\\/]load-ui\.js$/ }, () => ({
      loader: 'js',
      resolveDir: join(dist, 'source/interactive'),
      contents: "export function loadUi() { return import('./ui-mounts.js'); }",
    }));
  },
};

// `ocm-tui version --output json` names the commit, tree state and date the file was built from.
const buildInfo = gitBuildInfo();
const versionWithBuildInfo = {
  name: 'version-with-build-info',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/]core[\\/]version\.js$/ }, (args) => {
      const compiled = readFileSync(args.path, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
      const withoutBuild = compiled.replace(/export const BUILD = \{[^}]*\};/, '');
      return { loader: 'js', contents: `${withoutBuild}\nexport const BUILD = ${JSON.stringify(buildInfo)};\n` };
    });
  },
};

function gitBuildInfo() {
  const git = (...args) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  // The commit's date (SOURCE_DATE_EPOCH if set), not the clock: the same sources give the same file, and
  // the same module cache directory (named by the modules' hash) on the user's side.
  const date = (seconds) => new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    const gitCommit = git('rev-parse', 'HEAD');
    const gitTreeState = git('status', '--porcelain', '--untracked-files=no') === '' ? 'clean' : 'dirty';
    return { gitCommit, gitTreeState, buildDate: date(process.env.SOURCE_DATE_EPOCH ?? git('log', '-1', '--format=%ct')) };
  } catch {
    // not a git checkout (e.g. an unpacked tarball)
    return { gitCommit: '', gitTreeState: '', buildDate: process.env.SOURCE_DATE_EPOCH ? date(process.env.SOURCE_DATE_EPOCH) : '' };
  }
}

const result = await build({
  ...sharedOptions,
  entryPoints: { 'ocm-tui': join(dist, 'source/cli.js') },
  outdir: join(dist, 'ocm-tui-chunks'),
  write: false,
  splitting: true,
  chunkNames: '[name]-[hash]',
  // The loader writes the modules into a directory without a package.json: .mjs makes them ES modules.
  outExtension: { '.js': '.mjs' },
  sourcemap: false, // the file stands alone; debug with dist/source/cli.js (the same code, with maps)
  legalComments: 'none', // every bundled package's licence is appended at the end instead
  metafile: true,
  // cli.ts sets NODE_ENV for the unbundled modules; here the define already fixed it to production.
  logOverride: { 'assign-to-define': 'silent' },
  plugins: [uiIsAChunk, versionWithBuildInfo, inkRowCachedOutput, yogaWithInlineBinary],
});

const MARK = '/*@ocm-tui-module ';
const modules = result.outputFiles.map((file) => ({ name: basename(file.path), text: file.text }));
const hash = createHash('sha256');
for (const m of modules) hash.update(`${m.name}\0${m.text}\0`);
const modulesHash = hash.digest('hex').slice(0, 16);
const LOADER = `#!/usr/bin/env node
// ${own.name} ${own.version}: the whole CLI in one file (scripts/package.mjs). The ES modules below, stored as
// base64 in comments, are written once into \${XDG_CACHE_HOME:-~/.cache}/ocm-tui/modules-<hash>/ and imported
// from there; when that directory cannot be written (or OCM_TUI_MODULE_CACHE=0), into a private temporary
// directory removed at exit.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
function extract(into) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'latin1');
  const mark = ${JSON.stringify('\n' + MARK)};
  for (let at = text.indexOf(mark); at >= 0; ) {
    const nameEnd = text.indexOf('\\n', at + mark.length);
    const end = text.indexOf('\\n', nameEnd + 1);
    writeFileSync(join(into, text.slice(at + mark.length, nameEnd)), Buffer.from(text.slice(nameEnd + 1, end), 'base64'));
    at = text.indexOf(mark, end);
  }
}
function moduleDir() {
  if (process.env.OCM_TUI_MODULE_CACHE !== '0') {
    try {
      const base = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ocm-tui');
      const dir = join(base, 'modules-${modulesHash}');
      if (existsSync(join(dir, 'ocm-tui.mjs'))) return dir;
      mkdirSync(base, { recursive: true, mode: 0o700 });
      const staging = mkdtempSync(join(base, '.staging-'));
      try {
        extract(staging);
        renameSync(staging, dir); // atomic: the directory exists only complete
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        if (!existsSync(join(dir, 'ocm-tui.mjs'))) throw err; // else another run just extracted it
      }
      return dir;
    } catch {
      // not writable: a private temporary directory instead
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'ocm-tui-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  extract(dir);
  return dir;
}
await import(pathToFileURL(join(moduleDir(), 'ocm-tui.mjs')).href);
`;

// The licences of everything inside, at the end of the file (a comment: no cost at start-up).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m || packages.has(m[1])) continue;
  const dir = join(root, input.slice(0, input.indexOf(m[0]) + m[0].length));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = ['LICENSE', 'LICENSE.md', 'license', 'license.md', 'LICENSE.txt', 'LICENCE', 'LICENSE-MIT']
    .map((name) => join(dir, name))
    .find((file) => existsSync(file));
  packages.set(m[1], {
    version: pkg.version,
    license: pkg.license ?? '',
    text: licenceFile ? readFileSync(licenceFile, 'utf8').trim() : `(${pkg.license}; no licence file in the package)`,
    from: relative(root, dir),
  });
}
const notices = [...packages.entries()]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([name, p]) => `${name}@${p.version} (${p.license})\n\n${p.text}`)
  .join('\n\n----------------------------------------------------------------------\n\n')
  .replaceAll('*/', '* /');
if (!modules.some((m) => m.name === 'ocm-tui.mjs')) throw new Error('esbuild wrote no ocm-tui.mjs entry');
// Written aside, then renamed: a test copying the file while another rebuilds it never sees half a file.
const staging = `${outfile}.${process.pid}.tmp`;
writeFileSync(
  staging,
  LOADER +
    modules.map((m) => `${MARK}${m.name}\n${Buffer.from(m.text, 'utf8').toString('base64')}\n*/\n`).join('') +
    `/*! ${own.name} ${own.version} (${own.license}) bundles these packages, under their licences:\n\n${notices}\n*/\n`,
);
chmodSync(staging, 0o755);
renameSync(staging, outfile);
const kib = (n) => `${Math.round(n / 1024)} KiB`;
const entry = modules.find((m) => m.name === 'ocm-tui.mjs');
console.log(
  `packaged dist/ocm-tui.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${kib(statSync(outfile).size)}, ` +
    `${modules.length} modules (${kib(modules.reduce((n, m) => n + m.text.length, 0))}, entry ${kib(entry.text.length)}), ` +
    `${packages.size} packages`,
);
