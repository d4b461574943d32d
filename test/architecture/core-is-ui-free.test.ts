/**
 * The core is shared by the Ink app and the headless reporters: it must never import React, Ink or any
 * UI module. This scans the sources (not the build) so a violation fails even before it is used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSpecifiers, REPO_ROOT, sourceFiles } from './source-scan.js';

const root = REPO_ROOT;

test('core/ imports neither React, Ink nor the UI folders', async () => {
  const files = await sourceFiles(join(root, 'core'));
  assert.ok(files.length > 50, `expected the core sources, found ${files.length} files`);
  const offenders: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const spec of moduleSpecifiers(text)) {
      if (/^(react|ink)(\/|$)|^ink-|^@alcalzone\/|^@inkjs\//.test(spec) || /(^|\/)(components|source)\//.test(spec)) {
        offenders.push(`${file.slice(root.length)} imports ${spec}`);
      }
    }
    if (file.endsWith('.tsx')) offenders.push(`${file.slice(root.length)} is a .tsx file`);
  }
  assert.deepEqual(offenders, []);
});
