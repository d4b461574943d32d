/**
 * oc-mirror tests/integration/list_test.go: `list operators` of a catalog (packages, channels with heads,
 * versions), and `list releases` against upstream's graph data served like its httptest server (JSON only, a
 * channel is mandatory, the same graph for every channel).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCompatWorld, type CompatWorld } from './world.js';
import { expectSuccess, Runner } from './runner.js';
import { makeTempDir, removeTempDir } from '../harness/temp-dir.js';

const TEST_CATALOG = 'quay.io/oc-mirror/oc-mirror-dev:test-catalog-latest';
let world: CompatWorld;
let runner: Runner;
let scratch: string;
before(async () => {
  world = await startCompatWorld({ release: false, helm: false });
  scratch = await makeTempDir('compat-list-');
  runner = new Runner(join(scratch, 'cache'), world.env);
});
after(async () => {
  await world.stop();
  await removeTempDir(scratch);
});

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** upstream compareTableOutput: columns located by the header's field positions. */
function compareTableOutput(headerFields: string[], result: string, expected: string[][]): void {
  const ls = lines(result).filter((l) => l !== '');
  const indexes = headerFields.map((f) => ls[0].indexOf(f));
  assert.ok(
    indexes.every((i) => i >= 0),
    `header ${headerFields.join(', ')} not in: ${ls[0]}`,
  );
  ls.slice(1).forEach((line, idx) => {
    const fields = indexes.map((start, i) =>
      line.slice(start, i + 1 < indexes.length ? indexes[i + 1] : undefined).trim(),
    );
    assert.deepEqual(fields, expected[idx], `line ${idx} does not match`);
  });
  assert.equal(ls.length - 1, expected.length, `rows:\n${result}`);
}

/** upstream compareLineOutput: after `skip` header lines, the trimmed lines contain every expected element. */
function compareLineOutput(result: string, skip: number, expected: string[]): void {
  const got = lines(result)
    .slice(skip)
    .map((l) => l.trim());
  for (const e of expected) assert.ok(got.includes(e), `"${e}" missing from:\n${result}`);
}

test('list_test.go: list operators — should list operators of a specific catalog', async () => {
  const r = await runner.listOperators('--catalog', world.rewrite(TEST_CATALOG));
  expectSuccess(r);
  // Upstream expects an empty DISPLAY NAME for all three: oc-mirror reads only `olm.csv.metadata` of the highest
  // bundle, which these bundles lack. ocm-tui falls back to the CSV inside `olm.bundle.object` (bar's bundles carry
  // none): a recorded difference (docs/compatibility.md), asserted here as ocm-tui's documented value.
  compareTableOutput(['NAME', 'DISPLAY NAME', 'DEFAULT CHANNEL'], r.stdout, [
    ['bar', '', 'stable'],
    ['baz', 'Baz Operator', 'stable'],
    ['foo', 'Foo Operator', 'beta'],
  ]);
});

test('list_test.go: list operators — should list channels of a specific operator', async () => {
  const r = await runner.listOperators('--catalog', world.rewrite(TEST_CATALOG), '--package', 'foo');
  expectSuccess(r);
  const ls = lines(r.stdout);
  // DISPLAY NAME: see above (upstream '').
  compareTableOutput(['NAME', 'DISPLAY NAME', 'DEFAULT CHANNEL'], ls.slice(0, 2).join('\n'), [
    ['foo', 'Foo Operator', 'beta'],
  ]);
  compareTableOutput(['PACKAGE', 'CHANNEL', 'HEAD'], ls.slice(3).join('\n'), [['foo', 'beta', 'foo.v0.3.1']]);
});

test('list_test.go: list operators — should list versions of a specific channel', async () => {
  const r = await runner.listOperators(
    '--catalog',
    world.rewrite(TEST_CATALOG),
    '--package',
    'foo',
    '--channel',
    'beta',
  );
  expectSuccess(r);
  compareLineOutput(r.stdout, 1, ['0.1.0', '0.2.0', '0.3.0', '0.3.1']);
});

// 'list OCP major releases' is in issue-16.test.ts: without --version the X.Y list comes from the tags of
// quay.io/openshift-release-dev/ocp-release (core.md §2.5), reachable offline only through a registries.conf mirror.

test('list_test.go: list releases — should list all versions in a given release', async () => {
  const r = await runner.listReleases('--version', '4.20');
  expectSuccess(r);
  compareLineOutput(r.stdout, 4, ['4.20.0', '4.20.1', '4.20.2']);
});

test('list_test.go: list releases — should list all channels in a given version', async () => {
  const r = await runner.listReleases('--channels', '--version', '4.20');
  expectSuccess(r);
  compareLineOutput(r.stdout, 2, ['stable-4.20', 'candidate-4.20', 'eus-4.20', 'fast-4.20']);
});
