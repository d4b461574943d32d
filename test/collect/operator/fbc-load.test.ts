/**
 * loadFbc on the real catalogs copied from upstream (operator-registry/oc-mirror test data, JSON and YAML trees),
 * plus the rules of collectors.md §2.4 on small hand-made trees: case-insensitive meta keys, the errors, the
 * .indexignore patterns, the streaming JSON splitters and a large file of which one package is kept. The fast
 * path taken with a keepPackage filter (split on bytes, meta values read without parsing) is compared with the
 * full path (`fullParse`) on every catalog and on objects made to trip it up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { parseAllDocuments } from 'yaml';
import {
  FbcParseError,
  JsonByteSplitter,
  JsonObjectSplitter,
  indexIgnoreMatcher,
  loadFbc,
  scanFbcMeta,
  type ByteSplitObject,
  type FbcMeta,
  type SplitObject,
} from '../../../core/collect/operator/fbc-load.js';
import { bundleVersion, type DeclarativeConfig } from '../../../core/collect/operator/fbc-model.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));
const FBC = join(UPSTREAM, 'fbc');
const CATALOGS = join(UPSTREAM, 'oc-mirror-integration', 'catalogs');

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

function counts(cfg: DeclarativeConfig): number[] {
  return [cfg.packages.length, cfg.channels.length, cfg.bundles.length, cfg.deprecations.length, cfg.others.length];
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<FbcParseError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof FbcParseError, `expected an FbcParseError, got ${String(caught)}`);
  assert.equal(caught.code, 'FBC_INVALID');
  assert.match(caught.message, pattern);
  return caught;
}

// ---------------------------------------------------------------------------------------------------------------
// Real catalogs

test('jaeger-product (opm-written JSON): 1 package, 1 channel, 6 bundles with their images', async () => {
  const cfg = await loadFbc(join(FBC, 'jaeger-product'));
  assert.deepEqual(counts(cfg), [1, 1, 6, 0, 0]);
  assert.equal(cfg.packages[0].name, 'jaeger-product');
  assert.equal(cfg.packages[0].defaultChannel, 'stable');
  assert.equal(cfg.channels[0].name, 'stable');
  assert.equal(cfg.channels[0].entries.length, 6);
  assert.deepEqual(
    cfg.bundles.map((b) => b.name),
    [
      'jaeger-operator.v1.30.2',
      'jaeger-operator.v1.34.1-5',
      'jaeger-operator.v1.42.0-5',
      'jaeger-operator.v1.42.0-5-0.1687199951.p',
      'jaeger-operator.v1.47.1-5',
      'jaeger-operator.v1.51.0-1',
    ],
  );
  const latest = cfg.bundles.find((b) => b.name === 'jaeger-operator.v1.51.0-1');
  assert.equal(
    latest?.image,
    'registry.redhat.io/rhosdt/jaeger-operator-bundle@sha256:cea64466e14175545417779cfc72e2a7394f911d26b3abc223d8930cb37c8642',
  );
  assert.equal(latest?.relatedImages?.length, 13);
  assert.equal(latest && bundleVersion(latest), '1.51.0-1');
  const patched = cfg.bundles.find((b) => b.name === 'jaeger-operator.v1.42.0-5-0.1687199951.p');
  assert.equal(patched && bundleVersion(patched), '1.42.0-5+0.1687199951.p');
});

test('node-observability-operator: one bundle, its image and five related images', async () => {
  const cfg = await loadFbc(join(FBC, 'node-observability-operator'));
  assert.deepEqual(counts(cfg), [1, 1, 1, 0, 0]);
  assert.equal(cfg.packages[0].defaultChannel, 'alpha');
  const [bundle] = cfg.bundles;
  assert.equal(bundle.name, 'node-observability-operator.v0.2.0');
  assert.equal(bundle.package, 'node-observability-operator');
  assert.equal(
    bundle.image,
    'registry.redhat.io/noo/node-observability-operator-bundle-rhel8@sha256:0fbbb0b32adadc5746251103d25bba6bd365b2ff60e289e4694061fc92c3ce6e',
  );
  assert.equal(bundle.relatedImages?.length, 5);
});

test('3scale channels (2-space JSON, any file name): three channels, entries with replaces/skips/skipRange', async () => {
  const cfg = await loadFbc(join(FBC, '3scale-channels'));
  assert.deepEqual(counts(cfg), [1, 3, 0, 0, 0]);
  assert.equal(cfg.packages[0].defaultChannel, 'threescale-mas');
  assert.deepEqual(
    cfg.channels.map((c) => [c.name, c.entries.length]),
    [
      ['threescale-2.11', 11],
      ['threescale-2.12', 14],
      ['threescale-mas', 16],
    ],
  );
  const first = cfg.channels[0].entries;
  assert.deepEqual(first[1], {
    name: '3scale-operator.v0.8.0-0.1634606167.p',
    skips: ['3scale-operator.v0.8.0'],
    skipRange: '>=0.7.0 <0.8.0',
  });
  assert.equal(first[2].replaces, '3scale-operator.v0.8.0-0.1634606167.p');
});

test('oc-mirror integration YAML catalogs: exact counts of every tree', async () => {
  const expected: Record<string, number[]> = {
    'test-catalog-diff': [3, 4, 11, 0, 0],
    'test-catalog-extra-blobs': [3, 4, 10, 0, 2],
    'test-catalog-invalid-images': [1, 1, 2, 0, 0],
    'test-catalog-latest': [3, 4, 10, 0, 0],
    'test-catalog-multi': [3, 4, 10, 0, 0],
    'test-catalog-prune': [2, 2, 3, 0, 0],
    'test-catalog-prune-diff': [2, 2, 2, 0, 0],
  };
  for (const [name, want] of Object.entries(expected)) {
    assert.deepEqual(counts(await loadFbc(join(CATALOGS, name))), want, name);
  }
});

test('test-catalog-latest: packages, channels and bundles as its README lists them, in path order', async () => {
  const cfg = await loadFbc(join(CATALOGS, 'test-catalog-latest'));
  // Files are read in path order (bar/, baz/, foo/), objects in file order.
  assert.deepEqual(
    cfg.packages.map((p) => [p.name, p.defaultChannel]),
    [
      ['bar', 'stable'],
      ['baz', 'stable'],
      ['foo', 'beta'],
    ],
  );
  assert.deepEqual(
    cfg.channels.map((c) => `${c.package}/${c.name}`),
    ['bar/alpha', 'bar/stable', 'baz/stable', 'foo/beta'],
  );
  assert.deepEqual(
    cfg.bundles.filter((b) => b.package === 'foo').map((b) => b.name),
    ['foo.v0.1.0', 'foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1'],
  );
  assert.deepEqual(
    cfg.bundles.filter((b) => b.package === 'bar').map((b) => bundleVersion(b)),
    ['0.1.0', '0.2.0', '1.0.0'],
  );
  const foo = cfg.bundles.find((b) => b.name === 'foo.v0.1.0');
  assert.equal(foo?.image, 'quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v0.1.0');
  assert.deepEqual(foo?.relatedImages, [
    { image: 'quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v0.1.0', name: '' },
    {
      image: 'quay.io/oc-mirror/oc-mirror-dev@sha256:1ce8c0187c8fe6b4be327dc848b8baf062ce1baa5096b4f5d955893d126d5b58',
      name: 'operator',
    },
  ]);
  const barAlpha = cfg.channels.find((c) => c.package === 'bar' && c.name === 'alpha');
  assert.deepEqual(barAlpha?.entries[1], {
    name: 'bar.v0.2.0',
    skipRange: '<0.2.0',
    skips: ['bar.v0.1.0'],
    replaces: 'bar.v0.1.0',
  });
  assert.deepEqual(await loadFbc(join(CATALOGS, 'test-catalog-latest')), cfg, 'loading is deterministic');
});

test('test-catalog-extra-blobs: other schemas, with and without a package, are kept as read', async () => {
  const cfg = await loadFbc(join(CATALOGS, 'test-catalog-extra-blobs'));
  assert.deepEqual(
    cfg.others.map((o) => [o.schema, o.package]),
    [
      ['io.openshift.operators.lifecycles.v1alpha1', 'bar'],
      ['io.openshift.operators.lifecycles.v1alpha1', undefined],
    ],
  );
  const versions = cfg.others[1].versions as { name: string }[];
  assert.deepEqual(
    versions.map((v) => v.name),
    ['4.12', '4.17'],
  );
});

test('keepPackage drops the objects of other packages, keeps objects without a package', async () => {
  const asked = new Set<string>();
  const cfg = await loadFbc(join(CATALOGS, 'test-catalog-extra-blobs'), {
    keepPackage: (name) => {
      asked.add(name);
      return name === 'bar';
    },
  });
  assert.deepEqual([...asked].sort(), ['bar', 'baz', 'foo']);
  assert.deepEqual(counts(cfg), [1, 2, 3, 0, 2]);
  assert.deepEqual(
    [...cfg.packages, ...cfg.channels, ...cfg.bundles].map((o) => (o.schema === 'olm.package' ? o.name : o.package)),
    ['bar', 'bar', 'bar', 'bar', 'bar', 'bar'],
  );

  const onlyFoo = await loadFbc(join(CATALOGS, 'test-catalog-extra-blobs'), { keepPackage: (n) => n === 'foo' });
  assert.deepEqual(counts(onlyFoo), [1, 1, 4, 0, 1]);
  assert.equal(onlyFoo.others[0].package, undefined);

  const none = await loadFbc(join(FBC, 'jaeger-product'), { keepPackage: () => false });
  assert.deepEqual(counts(none), [0, 0, 0, 0, 0]);
});

// ---------------------------------------------------------------------------------------------------------------
// Keys, schemas and shapes

test('schema, package and name match case-insensitively and come out lower-case, other keys untouched', async (t) => {
  const root = await tempDirForTest(t, 'fbc-keys-');
  await writeTree(root, {
    'p/pkg.json': '{"Schema": "olm.package", "NAME": "p", "defaultChannel": "c", "Description": "D"}',
    'p/channel.yaml': 'SCHEMA: olm.channel\nPackage: p\nnAmE: c\nentries:\n  - name: p.v1\n',
  });
  const cfg = await loadFbc(root);
  assert.deepEqual(cfg.packages, [{ schema: 'olm.package', name: 'p', defaultChannel: 'c', Description: 'D' }]);
  assert.deepEqual(Object.keys(cfg.packages[0]), ['schema', 'name', 'defaultChannel', 'Description']);
  assert.deepEqual(cfg.channels, [{ schema: 'olm.channel', package: 'p', name: 'c', entries: [{ name: 'p.v1' }] }]);
  const kept = await loadFbc(root, { keepPackage: (n) => n !== 'p' });
  assert.deepEqual(counts(kept), [0, 0, 0, 0, 0], 'keepPackage sees the case-folded package');
});

test('two keys equal after case folding are an error naming the file and both keys', async (t) => {
  const root = await tempDirForTest(t, 'fbc-dup-');
  await writeTree(root, {
    'a/dup.json': '{"schema": "olm.package", "name": "a"}\n{"schema": "olm.package", "name": "b", "Name": "c"}',
  });
  const err = await rejectsWith(loadFbc(root), /a\/dup\.json \(object 2, line 2\): duplicate keys "name" and "Name"/);
  assert.equal(err.file, 'a/dup.json');
  assert.equal(err.objectIndex, 2);
  assert.equal(err.line, 2);

  const other = await tempDirForTest(t, 'fbc-dup2-');
  await writeTree(other, { 'x.yaml': 'schema: olm.package\nname: x\ndescription: a\nDescription: b\n' });
  await rejectsWith(loadFbc(other), /x\.yaml .*duplicate keys "description" and "Description"/);
});

test('an object without a schema fails and the message names the file, object and line', async (t) => {
  const root = await tempDirForTest(t, 'fbc-noschema-');
  await writeTree(root, {
    'ok/catalog.json': '{"schema": "olm.package", "name": "ok"}',
    'sub/bad.json': '{"schema": "olm.package", "name": "a"}\n\n{\n  "name": "b"\n}\n',
  });
  const err = await rejectsWith(
    loadFbc(root),
    /^catalog file sub\/bad\.json \(object 2, line 3\): the object has no "schema"$/,
  );
  assert.ok(err.hint);

  const yaml = await tempDirForTest(t, 'fbc-noschema-yaml-');
  await writeTree(yaml, { 'c.yaml': 'schema: olm.package\nname: a\n---\nname: b\n' });
  await rejectsWith(loadFbc(yaml), /^catalog file c\.yaml \(object 2, line 4\): the object has no "schema"$/);

  const empty = await tempDirForTest(t, 'fbc-emptyschema-');
  await writeTree(empty, { 'c.json': '{"schema": "", "name": "b"}' });
  await rejectsWith(loadFbc(empty), /c\.json \(object 1, line 1\): the object has no "schema"/);

  const notString = await tempDirForTest(t, 'fbc-numschema-');
  await writeTree(notString, { 'c.json': '{"schema": "olm.package", "name": 7}' });
  await rejectsWith(loadFbc(notString), /c\.json .*"name" must be a string/);
});

test('the shapes the filter relies on are checked, for kept objects only', async (t) => {
  // The last field: whether the object belongs to package "p" (and so disappears when p is not kept).
  const cases: [string, string, RegExp, boolean][] = [
    [
      'c.json',
      '{"schema":"olm.channel","package":"p","name":"c","entries":{}}',
      /olm\.channel "c" of package "p": "entries" must be an array/,
      true,
    ],
    ['c.json', '{"schema":"olm.channel","package":"p","name":"c"}', /"entries" must be an array/, true],
    [
      'c.json',
      '{"schema":"olm.channel","package":"p","name":"c","entries":[{"name":"a"},{"replaces":"a"}]}',
      /entries\[1\] has no "name"/,
      true,
    ],
    [
      'c.json',
      '{"schema":"olm.channel","package":"p","name":"c","entries":[{"name":"a","skips":"b"}]}',
      /entries\[0\]\.skips must be an array of strings/,
      true,
    ],
    [
      'b.yaml',
      'schema: olm.bundle\npackage: p\nname: b\nproperties: {type: olm.package}\n',
      /olm\.bundle "b" of package "p": "properties" must be an array/,
      true,
    ],
    ['b.yaml', 'schema: olm.bundle\npackage: p\nname: b\nproperties: [1]\n', /properties\[0\] must be an object/, true],
    ['b.json', '{"schema":"olm.bundle","name":"b"}', /olm\.bundle "b": the object has no "package"/, false],
    ['p.json', '{"schema":"olm.package"}', /olm\.package: the object has no "name"/, false],
    ['d.json', '{"schema":"olm.deprecations","package":"p","entries":"x"}', /"entries" must be an array/, true],
  ];
  for (const [file, text, pattern, ofPackageP] of cases) {
    const root = await tempDirForTest(t, 'fbc-shape-');
    await writeTree(root, { [file]: text });
    await rejectsWith(loadFbc(root), pattern);
    if (ofPackageP) assert.deepEqual(counts(await loadFbc(root, { keepPackage: (n) => n !== 'p' })), [0, 0, 0, 0, 0]);
  }
});

test('optional lists and strings may be null, as Go decodes them', async (t) => {
  const root = await tempDirForTest(t, 'fbc-null-');
  await writeTree(root, {
    'p.yaml': [
      'schema: olm.channel\npackage: p\nname: c\nentries:\n  - name: p.v1\n    replaces:\n    skips:\n',
      'schema: olm.bundle\npackage: p\nname: p.v1\nimage:\nproperties:\nrelatedImages:\n',
      'schema: olm.deprecations\npackage: p\nentries:\n',
    ].join('---\n'),
  });
  const cfg = await loadFbc(root);
  assert.deepEqual(counts(cfg), [0, 1, 1, 1, 0]);
  assert.equal(cfg.bundles[0].relatedImages, null);
});

test('YAML: empty documents are skipped, syntax errors carry the line', async (t) => {
  const root = await tempDirForTest(t, 'fbc-yaml-');
  await writeTree(root, {
    'a.yaml': '---\n# only a comment\n---\nschema: olm.package\nname: a\n---\n---\n~\n---\nschema: x.other\n...\n',
    'empty.yaml': '\n\n',
    'blank.txt': '',
  });
  const cfg = await loadFbc(root);
  assert.deepEqual(counts(cfg), [1, 0, 0, 0, 1]);

  const bad = await tempDirForTest(t, 'fbc-yaml-bad-');
  await writeTree(bad, { 'b.yaml': 'schema: olm.package\nname: a\n---\nschema: olm.package\nname: [b\n' });
  await rejectsWith(loadFbc(bad), /b\.yaml \(object 2, line \d\): invalid YAML/);

  const scalar = await tempDirForTest(t, 'fbc-yaml-scalar-');
  await writeTree(scalar, { 'b.yaml': 'just a string\n' });
  await rejectsWith(loadFbc(scalar), /b\.yaml \(object 1, line 1\): expected an object, found string/);
});

test('JSON: invalid objects and stray text are reported with their line', async (t) => {
  const root = await tempDirForTest(t, 'fbc-json-bad-');
  // V8 names the position of a trailing comma, which becomes the line of the closing brace.
  await writeTree(root, {
    'x/c.json': '{"schema":"olm.package","name":"a"}\n{\n"schema": "olm.package",\n"name": "b",\n}\n',
  });
  await rejectsWith(loadFbc(root), /x\/c\.json \(object 2, line 5\): invalid JSON/);
  const token = await tempDirForTest(t, 'fbc-json-token-');
  await writeTree(token, { 'c.json': '\n{"schema":"olm.package","name": bad}' });
  await rejectsWith(loadFbc(token), /c\.json \(object 1, line 2\): invalid JSON/);

  const stray = await tempDirForTest(t, 'fbc-json-stray-');
  await writeTree(stray, { 'c.json': '{"schema":"olm.package","name":"a"}\n\n]' });
  await rejectsWith(loadFbc(stray), /c\.json \(object 2, line 3\): unexpected "\]" between JSON objects/);

  const open = await tempDirForTest(t, 'fbc-json-open-');
  await writeTree(open, { 'c.json': '{"schema":"olm.package","name":"a"}\n{"schema":"olm.package","name":"}' });
  await rejectsWith(loadFbc(open), /c\.json \(object 2, line 2\): the file ends inside a JSON object/);
});

test('JSON: a byte-order mark, leading blank lines and objects without separators are fine', async (t) => {
  const root = await tempDirForTest(t, 'fbc-json-odd-');
  await writeTree(root, {
    'a.json':
      '\uFEFF\n\n  {"schema":"olm.package","name":"a"}{"schema":"olm.channel","package":"a","name":"c","entries":[{"name":"a.v1"}]}',
    noext: '{"schema":"olm.package","name":"b"}',
  });
  const cfg = await loadFbc(root);
  assert.deepEqual(
    cfg.packages.map((p) => p.name),
    ['a', 'b'],
  );
  assert.equal(cfg.channels.length, 1);
});

// ---------------------------------------------------------------------------------------------------------------
// .indexignore

test('.indexignore: patterns relative to their directory, globs, anchors, dir-only, negation, comments', async (t) => {
  const root = await tempDirForTest(t, 'fbc-ignore-');
  const pkg = (name: string): string => JSON.stringify({ schema: 'olm.package', name });
  await writeTree(root, {
    '.indexignore': '# comment\n\n*.md\n/top.json\ncache/\n**/deep/*.json\n!keep.md\nfile?.txt\n',
    'README.md': 'not yaml: [',
    'keep.md': pkg('keep'),
    'top.json': pkg('top-ignored'),
    'a/top.json': pkg('a-top'),
    'a/notes.md': 'ignored too',
    'cache/x.json': 'ignored',
    'a/cache/y.json': 'ignored: anywhere',
    'a/b/deep/z.json': 'ignored',
    'a/b/deep/z.yaml': 'schema: olm.package\nname: deep-yaml\n',
    'file1.txt': 'ignored',
    'file10.txt': pkg('file10'),
    'sub/.indexignore': 'local.json\n/only-here.json\n',
    'sub/local.json': 'ignored',
    'sub/x/local.json': 'ignored (unanchored)',
    'sub/only-here.json': 'ignored',
    'sub/x/only-here.json': pkg('sub-x-only-here'),
    'local.json': pkg('root-local'),
  });
  const cfg = await loadFbc(root);
  assert.deepEqual(cfg.packages.map((p) => p.name).sort(), [
    'a-top',
    'deep-yaml',
    'file10',
    'keep',
    'root-local',
    'sub-x-only-here',
  ]);
});

test('indexIgnoreMatcher: last matching pattern wins, deeper files after shallower ones', () => {
  const ignored = indexIgnoreMatcher([
    { dir: '', text: 'bundles/\n!bundles/keep.json\n[ab]*.yaml\n\\#hash.json\n[z-a]*\n' },
    { dir: 'pkg', text: '*.json\n!catalog.json\n' },
    { dir: 'pkg/sub', text: 'catalog.json\n' },
  ]);
  const check = (path: string, want: boolean): void => assert.equal(ignored(path), want, path);
  check('bundles/x.json', true);
  check('x/bundles/y.json', true);
  check('bundles', false);
  check('bundles/keep.json', false);
  check('a.yaml', true);
  check('c.yaml', false);
  check('dir/b1.yaml', true);
  check('#hash.json', true);
  check('pkg/x.json', true);
  check('pkg/catalog.json', false);
  check('pkg/sub/catalog.json', true);
  check('other/x.json', false);
  check('pkgx/x.json', false);
});

// ---------------------------------------------------------------------------------------------------------------
// Streaming

function splitAll(text: string, chunkSize: number): SplitObject[] {
  const splitter = new JsonObjectSplitter('t.json');
  const out: SplitObject[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...splitter.push(text.slice(i, i + chunkSize)));
  splitter.end();
  return out;
}

test('the JSON splitter finds objects across any chunk boundary: braces and quotes inside strings, escapes', () => {
  const objects = [
    { schema: 'a', s: 'braces { } [ ] in a string', q: 'say "hi" {', b: 'ends in a backslash \\' },
    { schema: 'b', nested: { deeper: [{ x: '}' }, [], {}] }, u: '\u00e9\u2028\ud83d\ude00', e: '\\"{' },
    { schema: 'c', empty: '', slash: '\\\\', tricky: '\\\\"}{' },
  ];
  const text = `${JSON.stringify(objects[0], null, 2)}\n${JSON.stringify(objects[1])}  \r\n\t${JSON.stringify(objects[2])}\n`;
  for (let size = 1; size <= text.length; size += size < 40 ? 1 : 37) {
    const found = splitAll(text, size);
    assert.deepEqual(
      found.map((o) => JSON.parse(o.text) as unknown),
      objects,
      `chunk size ${size}`,
    );
    assert.deepEqual(
      found.map((o) => [o.index, o.line]),
      [
        [1, 1],
        [2, 7],
        [3, 8],
      ],
      `chunk size ${size}`,
    );
  }
});

test('the JSON splitter fed a real catalog 7 characters at a time gives what loadFbc gives', async () => {
  const file = join(FBC, 'node-observability-operator', 'catalog.json');
  const text = await readFile(file, 'utf8');
  const objects = splitAll(text, 7).map((o) => JSON.parse(o.text) as { schema: string; name: string });
  const cfg = await loadFbc(dirname(file));
  assert.deepEqual(objects, [...cfg.packages, ...cfg.channels, ...cfg.bundles]);
  assert.deepEqual(
    splitAll(text, 7).map((o) => o.line),
    [1, 10, 21],
  );
});

test('a 50 MB catalog file is streamed and only the kept package comes out', async (t) => {
  const root = await tempDirForTest(t, 'fbc-large-');
  const out = createWriteStream(join(root, 'catalog.json'));
  const payload = 'x'.repeat(25_000);
  let bytes = 0;
  for (let p = 0; p < 400; p++) {
    const pkg = `pkg-${String(p).padStart(4, '0')}`;
    const bundles = Array.from({ length: 5 }, (_, b) => ({
      schema: 'olm.bundle',
      package: pkg,
      name: `${pkg}.v1.0.${b}`,
      image: `quay.io/x/${pkg}-bundle:v1.0.${b}`,
      properties: [
        { type: 'olm.package', value: { packageName: pkg, version: `1.0.${b}` } },
        { type: 'olm.bundle.object', value: { data: payload, note: 'a } and a " inside' } },
      ],
    }));
    const objects = [
      { schema: 'olm.package', name: pkg, defaultChannel: 'stable' },
      { schema: 'olm.channel', package: pkg, name: 'stable', entries: bundles.map((b) => ({ name: b.name })) },
      ...bundles,
    ];
    // Alternate between opm's indented layout and objects packed back to back.
    const text =
      p % 2
        ? objects.map((o) => JSON.stringify(o)).join('')
        : objects.map((o) => `${JSON.stringify(o, null, 4)}\n`).join('');
    bytes += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  assert.ok(bytes > 50_000_000, `generated ${bytes} bytes`);

  const cfg = await loadFbc(root, { keepPackage: (name) => name === 'pkg-0123' });
  assert.deepEqual(counts(cfg), [1, 1, 5, 0, 0]);
  assert.deepEqual(
    cfg.bundles.map((b) => [b.package, b.name, b.image]),
    Array.from({ length: 5 }, (_, b) => ['pkg-0123', `pkg-0123.v1.0.${b}`, `quay.io/x/pkg-0123-bundle:v1.0.${b}`]),
  );
  assert.equal(cfg.channels[0].entries.length, 5);
});

test('a cancelled signal stops the load', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(loadFbc(join(FBC, 'jaeger-product'), { signal: controller.signal }), { name: 'AbortError' });

  const later = new AbortController();
  const loading = loadFbc(join(CATALOGS, 'test-catalog-diff'), { signal: later.signal });
  later.abort();
  await assert.rejects(loading, { name: 'AbortError' });
});

// ---------------------------------------------------------------------------------------------------------------
// The fast path (keepPackage given: JSON split on bytes, only kept objects parsed) against the full path

type Keep = (name: string) => boolean;

/** Loads with the fast and the full path: the same catalog, and keepPackage asked about the same objects. */
async function bothPaths(root: string, keep: Keep, label = ''): Promise<DeclarativeConfig> {
  const askedFast: string[] = [];
  const askedFull: string[] = [];
  const fast = await loadFbc(root, { keepPackage: (n) => (askedFast.push(n), keep(n)) });
  const full = await loadFbc(root, { keepPackage: (n) => (askedFull.push(n), keep(n)), fullParse: true });
  assert.deepEqual(fast, full, `fast and full path differ ${label}`);
  // Files are read in parallel: the order of the questions varies, not the questions.
  assert.deepEqual(askedFast.sort(), askedFull.sort(), `keepPackage asked differently ${label}`);
  return fast;
}

/** Both paths fail, with the same error. */
async function sameFailure(root: string, keep: Keep, pattern: RegExp): Promise<FbcParseError> {
  const full = await rejectsWith(loadFbc(root, { keepPackage: keep, fullParse: true }), pattern);
  const fast = await rejectsWith(loadFbc(root, { keepPackage: keep }), pattern);
  assert.equal(fast.message, full.message);
  assert.deepEqual([fast.file, fast.objectIndex, fast.line], [full.file, full.objectIndex, full.line]);
  return fast;
}

/** The keepPackage choices tried on a catalog with these packages. */
function keepChoices(packages: string[]): [string, Keep][] {
  const choices: [string, Keep][] = [
    ['all', () => true],
    ['none', () => false],
    [`all but ${packages[0]}`, (n) => n !== packages[0]],
  ];
  for (const p of packages) choices.push([`only ${p}`, (n) => n === p]);
  if (packages.length > 1) choices.push([`${packages[0]} and ${packages[1]}`, (n) => packages.slice(0, 2).includes(n)]);
  return choices;
}

async function filesUnder(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(root, path)));
    else out.push(path);
  }
  return out.sort();
}

test('fast path = full path on the upstream JSON catalogs, for several keepPackage choices', async () => {
  for (const name of ['jaeger-product', 'node-observability-operator', '3scale-channels']) {
    const root = join(FBC, name);
    const all = await loadFbc(root);
    const packages = all.packages.map((p) => p.name);
    for (const [label, keep] of keepChoices([...packages, 'not-in-the-catalog'])) {
      const cfg = await bothPaths(root, keep, `${name}, ${label}`);
      if (label === 'all') assert.deepEqual(cfg, all);
    }
  }
});

test('fast path = full path = YAML path on the oc-mirror integration catalogs converted to JSON', async (t) => {
  const trees = (await readdir(CATALOGS, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.ok(trees.length >= 7);
  let style = 0;
  for (const tree of trees) {
    const yamlRoot = join(CATALOGS, tree);
    const jsonRoot = await tempDirForTest(t, `fbc-json-${tree}-`);
    for (const file of await filesUnder(yamlRoot)) {
      const text = await readFile(join(yamlRoot, file), 'utf8');
      if (!file.endsWith('.yaml')) {
        await writeTree(jsonRoot, { [file]: text });
        continue;
      }
      const objects = parseAllDocuments(text)
        .map((d) => d.toJS() as unknown)
        .filter((o) => o != null);
      // opm's indented layout, objects back to back, one object a line.
      const json = [
        objects.map((o) => `${JSON.stringify(o, null, 4)}\n`).join(''),
        objects.map((o) => JSON.stringify(o)).join(''),
        objects.map((o) => `${JSON.stringify(o)}\n`).join(''),
      ][style++ % 3];
      await writeTree(jsonRoot, { [file.replace(/\.yaml$/, '.json')]: json });
    }
    const all = await loadFbc(yamlRoot);
    assert.deepEqual(await loadFbc(jsonRoot), all, tree);
    const packages = [...new Set([...all.packages.map((p) => p.name), ...all.bundles.map((b) => b.package)])];
    for (const [label, keep] of keepChoices(packages)) {
      const cfg = await bothPaths(jsonRoot, keep, `${tree}, ${label}`);
      assert.deepEqual(cfg, await loadFbc(yamlRoot, { keepPackage: keep }), `${tree}, ${label}: JSON and YAML differ`);
    }
  }
});

/** Objects the byte scan must read right or hand to the full path. */
const TRICKY: unknown[] = [
  // Escapes in keys and in the meta values: the full path decides.
  '{"sch\\u0065ma": "olm.package", "name": "p\\u0031", "defaultChannel": "stable"}',
  '{"schema": "olm.channel", "package": "p1", "name": "st\\u0061ble", "entries": [{"name": "p1.v1"}]}',
  '{"schema": "olm.bundle", "package": "p\\u0031", "name": "p1.v1", "image": "quay.io/p1:v1"}',
  '{"schema": "olm.bundle", "package": "q", "name": "say \\"hi\\" \\\\", "properties": []}',
  // Upper-case meta keys, escapes and brackets inside other values, top-level scalars.
  '{"Schema": "olm.package", "NAME": "q", "Description": "quote \\" brace } bracket ] backslash \\\\", "n": -1.5e+3, "t": true, "f": false, "z": null, "zero": 0}',
  '{"schema": "olm.channel", "PACKAGE": "q", "Name": "c", "entries": [{"name": "a", "x": "}]\\"{["}, {"name": "b", "skips": ["a"]}]}',
  // Multibyte UTF-8 in values and in a package name; a non-ASCII key (full path), keys folding to meta keys.
  '{"schema": "olm.package", "name": "パッケージ-😀", "description": "漢字 émoji 😀🎉 ∑ — ünïcödé"}',
  '{"schema": "olm.bundle", "package": "パッケージ-😀", "name": "v1", "relatedImages": [{"name": "ö", "image": "x/😀"}]}',
  '{"schema": "olm.bundle", "package": "q", "name": "b1", "名前": "値", "icon": {"base64data": "iVBOR=="}}',
  '{"ſchema": "olm.package", "name": "long-s"}',
  // Other schemas, with and without a package; the same key twice (JSON.parse keeps the last one).
  '{"schema": "x.other", "value": [1, [2, {"a": {}}], "]"]}',
  '{"schema": "x.other", "package": "q", "package": "p1"}',
  '{"schema":"olm.bundle","package":"q","name":"b2","properties":[{"type":"olm.package","value":{"packageName":"q","version":"1.0.0"}}]}',
];

/** Blanks (space, newline, tab) after every `:`, `,`, `{` and `[` outside strings. */
function spaceOut(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    out += c;
    if (inString) {
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (':,{['.includes(c)) {
      out += ' \n\t ';
    }
  }
  return out;
}

test('escaped keys and values, case-folded keys, multibyte UTF-8, odd spacing: fast path = full path', async (t) => {
  const root = await tempDirForTest(t, 'fbc-tricky-');
  const texts = TRICKY as string[];
  await writeTree(root, {
    // JSON.stringify of what the file holds: different bytes (escapes decoded), same objects.
    'a/pretty.json': texts.map((x) => `${JSON.stringify(JSON.parse(x), null, 2)}\n`).join(''),
    'b/raw.json': `\uFEFF\r\n\t ${texts.join('\r\n')}\n`,
    'c/packed.json': texts.join(''),
    'd/spaced.json': texts.map((x) => spaceOut(x)).join(' '),
  });
  const all = await loadFbc(root);
  assert.deepEqual(counts(all), [16, 8, 20, 0, 8]);
  assert.ok(all.packages.some((p) => p.name === 'long-s'));
  assert.ok(all.packages.some((p) => p.name === 'p1'));
  assert.equal(all.bundles.filter((b) => b.package === 'p1').length, 4);
  const packages = ['p1', 'q', 'パッケージ-😀', 'long-s'];
  for (const [label, keep] of keepChoices(packages)) await bothPaths(root, keep, label);
  assert.deepEqual(await bothPaths(root, () => true), all);
});

/** Concatenated JSON objects with multibyte characters everywhere a split could hurt. */
const MULTIBYTE_TEXT = [
  '{"schema":"olm.package","name":"é-pkg","description":"😀漢é𝄞"}',
  '\n  {"schema": "olm.bundle", "package": "é-pkg", "name": "😀", "properties": [{"type": "t", "value": {"k": "漢\\"}"}}]}',
  '{"schema":"olm.bundle","package":"x","name":"a","d":"\\\\","日本":{"語":["😀","}"]}}\r\n',
  '{"schema":"x.o","v":"€€€€","w":[{"😀":"😀"}]}',
].join('');

const MULTIBYTE_META: (FbcMeta | undefined)[] = [
  { schema: 'olm.package', name: 'é-pkg' },
  { schema: 'olm.bundle', package: 'é-pkg', name: '😀' },
  undefined, // a non-ASCII top-level key: the full path decides
  { schema: 'x.o' },
];

function byteSplit(bytes: Buffer, cuts: number[]): ByteSplitObject[] {
  const splitter = new JsonByteSplitter('t.json');
  const out: ByteSplitObject[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  splitter.end();
  return out;
}

test('the byte splitter and the meta scan: multibyte characters split at every byte offset', () => {
  const bytes = Buffer.from(MULTIBYTE_TEXT);
  const want = splitAll(MULTIBYTE_TEXT, MULTIBYTE_TEXT.length).map((o) => [o.text, o.index, o.line]);
  assert.equal(want.length, 4);
  const check = (found: ByteSplitObject[], label: string): void => {
    assert.deepEqual(
      found.map((o) => [o.bytes.toString('utf8'), o.index, o.line]),
      want,
      label,
    );
    assert.deepEqual(
      found.map((o) => scanFbcMeta(o.bytes, o.nested)),
      MULTIBYTE_META,
      label,
    );
  };
  for (let cut = 0; cut <= bytes.length; cut++) check(byteSplit(bytes, [cut]), `cut at ${cut}`);
  for (let a = 0; a <= bytes.length; a += 3) {
    for (let b = a; b <= bytes.length; b += 5) check(byteSplit(bytes, [a, b]), `cuts at ${a}, ${b}`);
  }
  for (let size = 1; size <= 9; size++) {
    const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, k) => k * size);
    check(byteSplit(bytes, cuts), `chunks of ${size}`);
  }
  // The meta values agree with what parsing gives.
  for (const [k, meta] of MULTIBYTE_META.entries()) {
    if (!meta) continue;
    const parsed = JSON.parse(want[k][0] as string) as Record<string, unknown>;
    assert.deepEqual(
      Object.fromEntries(['schema', 'package', 'name'].filter((m) => m in parsed).map((m) => [m, parsed[m]])),
      meta,
    );
  }
});

test('the byte splitter gives the text splitter results and errors, chunked anywhere', () => {
  const texts = [
    ...(TRICKY as string[]),
    '{"schema": "a", "s": "braces { } [ ] in a string", "q": "say \\"hi\\" {", "b": "ends in a backslash \\\\"}',
  ];
  const text = `\n\n${texts.join('\n  ')}\r\n\t`;
  const bytes = Buffer.from(text);
  const want = splitAll(text, text.length).map((o) => [o.text, o.index, o.line]);
  for (let size = 1; size <= 40; size++) {
    const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, k) => k * size);
    assert.deepEqual(
      byteSplit(bytes, cuts).map((o) => [o.bytes.toString('utf8'), o.index, o.line]),
      want,
      `chunks of ${size}`,
    );
  }

  const failures = [
    '{"schema":"a"}\n\n😀{"schema":"b"}',
    '{"schema":"a"}\né',
    '{"schema":"a"} \n x',
    '{"schema":"a"}]',
    '\n{"schema":"a"}\n{"schema":"b", "c": ["}',
    '{"schema":"a"}\n{"schema":"b\\"}',
    '{"schema":"a"}\n\u00a0',
  ];
  for (const failing of failures) {
    const textError = (() => {
      try {
        splitAll(failing, failing.length);
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    })();
    assert.match(textError, /between JSON objects|ends inside a JSON object/);
    const raw = Buffer.from(failing);
    for (let cut = 0; cut <= raw.length; cut++) {
      for (const size of [1, 2, 3, raw.length]) {
        const cuts = [cut, ...Array.from({ length: Math.ceil((raw.length - cut) / size) }, (_, k) => cut + k * size)];
        assert.throws(
          () => byteSplit(raw, cuts),
          { message: textError },
          `${JSON.stringify(failing)} at ${cut}/${size}`,
        );
      }
    }
  }
});

test('the meta scan hands anything unusual at the top level to the full path', () => {
  const scan = (text: string): FbcMeta | undefined => {
    const [o] = byteSplit(Buffer.from(text), []);
    return scanFbcMeta(o.bytes, o.nested);
  };
  assert.deepEqual(scan('{"schema":"s","package":"p","name":"n","x":{"package":"no"}}'), {
    schema: 's',
    package: 'p',
    name: 'n',
  });
  assert.deepEqual(scan('{ "SCHEMA" : "s" , "a" : [ ] , "b" : { } , "c" : -0.5E-2 , "Name" : "" }'), {
    schema: 's',
    name: '',
  });
  const unsure = [
    '{}',
    '{"name":"n"}',
    '{"schema":""}',
    '{"sch\\u0065ma":"s"}',
    '{"schema":"s\\n"}',
    '{"schema":"s","package":"p\\"q"}',
    '{"schema":"s","name":"a","NAME":"b"}',
    '{"schema":"s","x":1,"X":2}',
    '{"schema":"s","package":7}',
    '{"schema":"s","name":null}',
    '{"schema":["s"]}',
    '{"schema":"s","package":{"name":"p"}}',
    '{"schema":"s","ſchema":"t"}',
    '{"schema":"s","x":1,}',
    '{"schema":"s" "x":1}',
    '{"schema":"s","x":01}',
    '{"schema":"s","x":tru}',
    '{"schema":"s","x":[1},"y":{]}',
    '{"schema":"s","x":{"a":1]}',
    '{"schema":"s",,"x":1}',
    '{"schema":"s","x"}',
    '{"schema":"s",1:2}',
    '{"schema":"tab\there"}',
    `{"schema":"s",${Array.from({ length: 64 }, (_, k) => `"k${k}":${k}`).join(',')}}`,
  ];
  for (const text of unsure) assert.equal(scan(text), undefined, text);
});

test('a malformed object fails the run only when its package is kept, with the message of the full path', async (t) => {
  const good = (pkg: string): string =>
    [
      `{"schema":"olm.package","name":"${pkg}"}`,
      `{"schema":"olm.channel","package":"${pkg}","name":"c","entries":[{"name":"${pkg}.v1"}]}`,
    ].join('\n');
  const bad: [string, RegExp][] = [
    // A syntax error inside a nested value or a string: only the full path sees it.
    ['{"schema":"olm.bundle","package":"p","name":"b",\n"properties":[{"type":"a",}]}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p","name":"b","image":"x\\qy"}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p","name":"b","relatedImages":[{"image":["x"}]]}', /invalid JSON/],
    ['{"schema":"olm.package","name":"p","description":"raw\ttab"}', /invalid JSON/],
    ['{"schema":"olm.channel","package":"p","name":"c","entries":[{"name":"a","skips":[1 2]}]}', /invalid JSON/],
  ];
  for (const [i, [object, pattern]] of bad.entries()) {
    const root = await tempDirForTest(t, 'fbc-malformed-');
    await writeTree(root, { [`d${i}/catalog.json`]: `${good('k')}\n\n${object}\n${good('z')}\n` });
    // Dropped: the fast path does not parse it, the full path fails on it.
    const cfg = await loadFbc(root, { keepPackage: (n) => n !== 'p' });
    assert.deepEqual(counts(cfg), [2, 2, 0, 0, 0], object);
    await rejectsWith(loadFbc(root, { keepPackage: (n) => n !== 'p', fullParse: true }), pattern);
    // Kept: both fail alike, and as a load without a filter does.
    const err = await sameFailure(root, () => true, pattern);
    await rejectsWith(loadFbc(root), new RegExp(`^${err.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await sameFailure(root, (n) => n === 'p', pattern);
    assert.equal(err.objectIndex, 3);
    assert.equal(err.line, object.includes('\n') ? 5 : 4);
  }
});

test('what the top-level scan can see still fails in a dropped package, exactly as before', async (t) => {
  const cases: [string, RegExp][] = [
    ['{"schema":"olm.bundle","package":"p","name":"b","Name":"c"}', /duplicate keys "name" and "Name"/],
    ['{"schema":"olm.bundle","package":"p","description":"a","DESCRIPTION":"b"}', /duplicate keys "description"/],
    ['{"schema":"olm.bundle","package":"p","name":7}', /"name" must be a string/],
    ['{"schema":"olm.bundle","package":["p"]}', /"package" must be a string/],
    ['{"package":"p","name":"b"}', /the object has no "schema"/],
    ['{"schema":"","package":"p"}', /the object has no "schema"/],
    ['{"schema":"olm.bundle","package":"p","name":"b",}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p" "name":"b"}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p","x":01}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p","x":[1}}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p\nq"}', /invalid JSON/],
    ['{"schema":"olm.bundle","package":"p"}\n\u00e9', /unexpected "é" between JSON objects/],
    ['{"schema":"olm.bundle","package":"p"}😀', /unexpected "\\ud83d" between JSON objects/],
    ['{"schema":"olm.bundle","package":"p"}\n{"schema":"olm.bundle","package":"p","name":"b', /ends inside a JSON/],
  ];
  for (const [object, pattern] of cases) {
    const root = await tempDirForTest(t, 'fbc-top-');
    await writeTree(root, { 'catalog.json': `{"schema":"olm.package","name":"k"}\n${object}\n` });
    await sameFailure(root, (n) => n === 'k', pattern);
  }
});

test('file starts: byte-order mark, blank files, non-JSON starts take the same path with and without a filter', async (t) => {
  const root = await tempDirForTest(t, 'fbc-starts-');
  await writeTree(root, {
    'bom.json': '\uFEFF{"schema":"olm.package","name":"a"}',
    'bom-blank.json': '\uFEFF\n\n\t',
    'blank.json': ' \r\n',
    'empty.json': '',
    'lines.json': '\n\n\n{"schema":"olm.package","name":"b"}',
    'yaml.txt': 'schema: olm.package\nname: c\n',
    'yaml-bom.txt': '\uFEFFschema: olm.package\nname: d\n',
  });
  for (const [label, keep] of keepChoices(['a', 'b', 'c', 'd'])) await bothPaths(root, keep, label);
  const cfg = await bothPaths(root, () => true);
  assert.deepEqual(
    cfg.packages.map((p) => p.name),
    ['a', 'b', 'd', 'c'],
  );

  const odd = await tempDirForTest(t, 'fbc-starts-odd-');
  // A no-break space is blank to the format sniffing but not to the JSON splitter.
  await writeTree(odd, { 'c.json': '\u00a0{"schema":"olm.package","name":"a"}' });
  await sameFailure(odd, () => true, /unexpected "\u00a0" between JSON objects/);
  await writeTree(odd, { 'c.json': '\uFEFF\uFEFF{"schema":"olm.package","name":"a"}' });
  await sameFailure(odd, () => true, /unexpected "\uFEFF" between JSON objects/);
});

test('multibyte characters across the 1 MiB read boundary, in kept and in dropped objects', async (t) => {
  const root = await tempDirForTest(t, 'fbc-boundary-');
  const MiB = 1 << 20;
  const run = '😀漢é'.repeat(40); // 360 bytes, 9 a round
  /** `object` after a dropped one sized so that `run` starts `shift` bytes past 1 MiB - 180: across the boundary. */
  const padded = (object: string, shift: number): string => {
    const before = Buffer.byteLength(object.slice(0, object.indexOf(run)));
    const frame = '{"schema":"olm.bundle","package":"drop","name":"p","d":""}\n';
    const fill = 'y'.repeat(MiB - 180 + shift - before - frame.length);
    const text = `${frame.replace('""', `"${fill}"`)}${object}\n`;
    assert.equal(Buffer.from(text).indexOf(run), MiB - 180 + shift);
    return text;
  };
  const files: Record<string, string> = {};
  // The files are read in 1 MiB chunks; 9 shifts put each byte of a round on the boundary.
  for (let shift = 0; shift < 9; shift++) {
    files[`s${shift}/a-keep.json`] = padded(`{"schema":"olm.package","name":"keep","description":"${run}"}`, shift);
    files[`s${shift}/b-drop.json`] = padded(`{"schema":"olm.bundle","package":"drop","name":"d","d":"${run}"}`, shift);
    files[`s${shift}/c-name.json`] = padded(`{"schema":"olm.bundle","package":"${run}","name":"b"}`, shift);
  }
  await writeTree(root, files);
  // Fast path only (the full path is not what is tested here, and parsing 27 MB with it is slow).
  const cfg = await loadFbc(root, { keepPackage: (n) => n === 'keep' || n === run });
  assert.deepEqual(counts(cfg), [9, 0, 9, 0, 0]);
  assert.deepEqual(
    cfg.packages.map((p) => p.description),
    Array.from({ length: 9 }, () => run),
  );
  assert.deepEqual(
    cfg.bundles.map((b) => b.package),
    Array.from({ length: 9 }, () => run),
  );
  const dropped = await loadFbc(root, { keepPackage: (n) => n === 'drop' });
  assert.deepEqual(counts(dropped), [0, 0, 36, 0, 0]);
  assert.deepEqual(
    dropped.bundles.filter((b) => b.name === 'd').map((b) => b.d),
    Array.from({ length: 9 }, () => run),
  );
});

test('keepPackage is asked once per object that has a package', async () => {
  let asked = 0;
  const cfg = await loadFbc(join(FBC, 'jaeger-product'), { keepPackage: () => (asked++, true) });
  assert.equal(asked, 8);
  assert.deepEqual(counts(cfg), [1, 1, 6, 0, 0]);
});
