import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real test data the tests use, copied into the repository (`test/fixtures/upstream/`, provenance in its
 * PROVENANCE.md) so that a clone alone passes the tests. Resolved from this file (dist/test/harness/ or
 * test/harness/ → the checkout root); OCM_TUI_TESTDATA overrides it (e.g. `../shared/testdata`).
 */
export function testdataDir(): string {
  if (process.env.OCM_TUI_TESTDATA) return process.env.OCM_TUI_TESTDATA;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = resolve(dir, 'test', 'fixtures', 'upstream');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'oci'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find test/fixtures/upstream in the checkout; set OCM_TUI_TESTDATA');
}

/** Path of a file or directory under the shared test data, e.g. `testdataPath('oci', 'single-arch-empty-image')`. */
export function testdataPath(...parts: string[]): string {
  return join(testdataDir(), ...parts);
}
