// `npm run package:sea`: a Node single-executable application, dist/ocm-tui: a copy of the `node` running this
// script with dist/ocm-tui.mjs injected, for hosts without Node. Optional and not part of `npm run build`:
// it is ~100 MB per platform and architecture (the node binary) against 3 MB for the file (docs/decisions.md).
// Usage: node scripts/package-sea.mjs [--out FILE]   (needs dist/ocm-tui.mjs: `npm run build`)
//
// Node 20's SEA runs one embedded CommonJS script. Ours writes the embedded dist/ocm-tui.mjs once into
// ${XDG_CACHE_HOME:-~/.cache}/ocm-tui/sea-<hash>/ (a private temporary directory when that cannot be written)
// and imports it through a function compiled with vm's USE_MAIN_CONTEXT_DEFAULT_LOADER, since import() of a
// file straight from the SEA script is not available; the file then loads its modules as it always does.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postject from 'postject';
import { root } from './esbuild-shared.mjs';

const started = Date.now();
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist', 'ocm-tui');
const oneFile = join(root, 'dist', 'ocm-tui.mjs');
const file = readFileSync(oneFile);
const hash = createHash('sha256').update(file).digest('hex').slice(0, 16);

const MAIN = `'use strict';
const { getAsset } = require('node:sea');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { pathToFileURL } = require('node:url');
function write(dir) {
  const staging = fs.mkdtempSync(path.join(dir, '.staging-'));
  try {
    fs.writeFileSync(path.join(staging, 'ocm-tui.mjs'), Buffer.from(getAsset('ocm-tui.mjs')));
    return staging;
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
function fileDir() {
  if (process.env.OCM_TUI_MODULE_CACHE !== '0') {
    try {
      const base = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ocm-tui');
      const dir = path.join(base, 'sea-${hash}');
      if (fs.existsSync(path.join(dir, 'ocm-tui.mjs'))) return dir;
      fs.mkdirSync(base, { recursive: true, mode: 0o700 });
      const staging = write(base);
      try {
        fs.renameSync(staging, dir);
      } catch (err) {
        fs.rmSync(staging, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, 'ocm-tui.mjs'))) throw err;
      }
      return dir;
    } catch {
      // not writable: a private temporary directory instead
    }
  }
  const dir = write(fs.mkdtempSync(path.join(os.tmpdir(), 'ocm-tui-')));
  process.on('exit', () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  return dir;
}
// The loader constant is flagged experimental in Node 20; its warning would precede every command's output.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) =>
  String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER') ? undefined : emitWarning.call(process, warning, ...rest);
const load = vm.compileFunction('return import(url)', ['url'], {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
load(pathToFileURL(path.join(fileDir(), 'ocm-tui.mjs')).href).catch((err) => {
  process.stderr.write(\`ocm-tui: \${err && err.stack ? err.stack : err}\\n\`);
  process.exit(1);
});
`;

const work = mkdtempSync(join(tmpdir(), 'ocm-tui-sea-'));
try {
  writeFileSync(join(work, 'main.cjs'), MAIN);
  copyFileSync(oneFile, join(work, 'ocm-tui.mjs'));
  const config = {
    main: join(work, 'main.cjs'),
    output: join(work, 'sea.blob'),
    disableExperimentalSEAWarning: true,
    assets: { 'ocm-tui.mjs': join(work, 'ocm-tui.mjs') },
  };
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'ignore' });
  const binary = join(work, 'ocm-tui');
  copyFileSync(process.execPath, binary);
  chmodSync(binary, 0o755);
  await postject.inject(binary, 'NODE_SEA_BLOB', readFileSync(config.output), {
    sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  });
  renameSync(binary, out);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `packaged ${out} (single-executable application, node ${process.version} ${process.platform}/${process.arch}): ` +
    `${Math.round(statSync(out).size / 1024 / 1024)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
