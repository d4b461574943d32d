/**
 * loadFbc on the real catalogs copied from upstream (operator-registry/oc-mirror test data, JSON and YAML trees),
 * plus the rules of collectors.md §2.4 on small hand-made trees: case-insensitive meta keys, the errors, the
 * .indexignore patterns, the streaming JSON splitter and a large file of which one package is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import {
  FbcParseError,
  JsonObjectSplitter,
  indexIgnoreMatcher,
  loadFbc,
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
