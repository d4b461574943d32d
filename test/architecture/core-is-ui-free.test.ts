/**
 * The core is shared by the Ink app and the headless reporters: it must never import React, Ink or any
 * UI module. This scans the sources (not the build) so a violation fails even before it is used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

test('core/ imports neither React, Ink nor the UI folders', async () => {
  const files = await sourceFiles(join(root, 'core'));
  assert.ok(files.length > 50, `expected the core sources, found ${files.length} files`);
  const offenders: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = match[1];
      if (/^(react|ink)(\/|$)|^ink-|^@alcalzone\/|^@inkjs\//.test(spec) || /(^|\/)(components|source)\//.test(spec)) {
        offenders.push(`${file.slice(root.length)} imports ${spec}`);
      }
    }
    if (file.endsWith('.tsx')) offenders.push(`${file.slice(root.length)} is a .tsx file`);
  }
  assert.deepEqual(offenders, []);
});
