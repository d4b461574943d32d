import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  ChannelGraphError,
  buildChannelGraph,
  channelHead,
  walkVersionRange,
  type ChannelEntries,
} from '../../../core/collect/operator/channel-graph.js';
import type { FbcBundle, FbcChannel, FbcChannelEntry } from '../../../core/collect/operator/fbc-model.js';
import { bundleVersion } from '../../../core/collect/operator/fbc-model.js';
import {
  parseStrictVersion,
  parseVersion,
  parseVersionRange,
  type MastermindsVersion,
} from '../../../core/collect/operator/masterminds-range.js';
import { OcmError } from '../../../core/errors.js';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));

/** Concatenated JSON objects (the catalog.json files) → objects. */
function jsonObjects(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  const out: Record<string, unknown>[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' && depth++ === 0) start = i;
    else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
  }
  return out;
}

function yamlObjects(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

function channels(objects: Record<string, unknown>[]): Map<string, FbcChannel> {
  const out = new Map<string, FbcChannel>();
  for (const o of objects) if (o.schema === 'olm.channel') out.set(o.name as string, o as unknown as FbcChannel);
  return out;
}

function versions(objects: Record<string, unknown>[]): (name: string) => MastermindsVersion | undefined {
  const map = new Map<string, MastermindsVersion>();
  for (const o of objects) {
    if (o.schema !== 'olm.bundle') continue;
    const raw = bundleVersion(o as unknown as FbcBundle);
    const v = raw === undefined ? undefined : parseStrictVersion(raw);
    if (v) map.set(o.name as string, v);
  }
  return (name) => map.get(name);
}

const ch = (...entries: FbcChannelEntry[]): ChannelEntries => ({ entries });

/** Versions from names of the form `x.v<semver>`. */
const versionFromName = (name: string): MastermindsVersion | undefined => parseVersion(name.replace(/^.*?\.v/, ''));

function assertGraphError(channel: ChannelEntries, message: string): void {
  assert.throws(
    () => buildChannelGraph(channel),
    (err: unknown) => {
      assert.ok(err instanceof ChannelGraphError);
      assert.ok(err instanceof OcmError);
      assert.equal(err.code, 'CHANNEL_GRAPH');
      assert.equal(err.message, message);
      return true;
    },
  );
}

test('edges from replaces and skips, placeholders for absent targets, skipRange ignored', () => {
  const foo = channels(yamlObjects(`${UPSTREAM}oc-mirror-integration/catalogs/test-catalog-latest/foo/channels.yaml`));
  const graph = buildChannelGraph(foo.get('beta') as FbcChannel);
  assert.equal(graph.head.name, 'foo.v0.3.1');
  assert.equal(graph.head.replaces?.name, 'foo.v0.2.0');
  assert.deepEqual(
    graph.head.skips.map((n) => n.name),
    ['foo.v0.3.0'],
  );
  assert.deepEqual(
    [...graph.nodes.values()].map((n) => `${n.name}${n.isEntry ? '' : ' (placeholder)'}`),
    ['foo.v0.1.0', 'foo.v0.2.0', 'foo.v0.1.1 (placeholder)', 'foo.v0.1.2 (placeholder)', 'foo.v0.3.0', 'foo.v0.3.1'],
  );
  // skipRange never adds an edge: every jaeger entry has one, and the head is still the replaces-chain top.
  const jaeger = channels(jsonObjects(`${UPSTREAM}fbc/jaeger-product/catalog.json`)).get('stable') as FbcChannel;
  assert.equal(channelHead(jaeger), 'jaeger-operator.v1.51.0-1');
});

test('an entry that both replaces and skips the same bundle counts once', () => {
  const bar = channels(yamlObjects(`${UPSTREAM}oc-mirror-integration/catalogs/test-catalog-latest/bar/channels.yaml`));
  assert.equal(channelHead(bar.get('alpha') as FbcChannel), 'bar.v1.0.0');
  assert.equal(channelHead(bar.get('stable') as FbcChannel), 'bar.v1.0.0');
});

test('each of the three 3scale channels has its own head', () => {
  const all = channels(jsonObjects(`${UPSTREAM}fbc/3scale-channels/test-operator-catalog.json`));
  assert.deepEqual(
    [...all.values()].map((c) => [c.name, channelHead(c)]),
    [
      ['threescale-2.11', '3scale-operator.v0.8.4-0.1655690146.p'],
      ['threescale-2.12', '3scale-operator.v0.9.1-0.1664967752.p'],
      ['threescale-mas', '3scale-operator.v0.11.0-mas'],
    ],
  );
});

test('graph errors, with the library messages', () => {
  assertGraphError(ch(), 'channel has no entries');
  assertGraphError(
    ch({ name: 'b', replaces: 'a' }, { name: 'a' }, { name: 'c' }),
    'multiple channel heads found: [b c]',
  );
  assertGraphError(
    ch({ name: 'z' }, { name: 'a' }, { name: 'm', replaces: 'x' }),
    'multiple channel heads found: [a m z]',
  );
  assertGraphError(
    ch({ name: 'a' }, { name: 'b', replaces: 'a' }, { name: 'b', replaces: 'a' }),
    'duplicate channel entry "b"\nmultiple channel heads found: [b b]',
  );
  assertGraphError(
    ch({ name: 'a', replaces: 'a' }, { name: 'b', replaces: 'a', skips: ['b'] }),
    'invalid channel entry "a": replaces itself\ninvalid channel entry "b": skips itself\nno channel heads found',
  );
  // Single head, but b and c point at each other: unreachable from the head.
  assertGraphError(
    ch({ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'c' }, { name: 'c', skips: ['b'] }),
    'detected a cycle in the upgrade graph of the channel',
  );
  assertGraphError(ch({ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'a' }), 'no channel heads found');
});

test('channelHead of a single entry, and a head replacing an absent bundle', () => {
  assert.equal(channelHead(ch({ name: 'only' })), 'only');
  assert.equal(channelHead(ch({ name: 'v2', replaces: 'gone', skips: ['gone2'] })), 'v2');
});

test('range walk: the integration example (beta 0.1.0 ← 0.2.0 ← 0.3.0, 0.3.1 replaces 0.2.0, skips 0.3.0)', () => {
  const dir = `${UPSTREAM}oc-mirror-integration/catalogs/test-catalog-latest/foo/`;
  const graph = buildChannelGraph(channels(yamlObjects(`${dir}channels.yaml`)).get('beta') as FbcChannel);
  const versionOf = versions(yamlObjects(`${dir}bundles.yaml`));
  const walk = (range: string) => {
    const { keep, warnings } = walkVersionRange(graph, parseVersionRange(range), versionOf);
    return { keep: [...keep].sort(), warnings };
  };
  assert.deepEqual(walk('>=0.2.0 <=0.3.1'), { keep: ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1'], warnings: [] });
  assert.deepEqual(walk('>=0.3.1 <=0.3.1'), { keep: ['foo.v0.3.1'], warnings: [] });
  assert.deepEqual(walk('>=0.3.0'), { keep: ['foo.v0.3.0', 'foo.v0.3.1'], warnings: [] });
  assert.deepEqual(walk(' <=0.2.0'), { keep: ['foo.v0.1.0', 'foo.v0.2.0'], warnings: [] });
  assert.deepEqual(walk('>=0.3.1 <=0.2.0'), { keep: [], warnings: [] });
  assert.deepEqual(walk('>=0.3.0 <=0.3.0'), {
    keep: ['foo.v0.3.0', 'foo.v0.3.1'],
    warnings: [
      'including bundle "foo.v0.3.1" with version "0.3.1": it falls outside the specified range of ' +
        '">=0.3.0 <=0.3.0" but is required to ensure inclusion of all bundles in the range',
    ],
  });
});

test('range walk: new head is the lowest node that still reaches every in-range bundle', () => {
  // v3 replaces v2 and is the only node skipping v1.5; v2 replaces v1.
  const graph = buildChannelGraph(
    ch(
      { name: 'x.v1.0.0' },
      { name: 'x.v1.5.0' },
      { name: 'x.v2.0.0', replaces: 'x.v1.0.0' },
      { name: 'x.v3.0.0', replaces: 'x.v2.0.0', skips: ['x.v1.5.0'] },
    ),
  );
  const { keep, warnings } = walkVersionRange(graph, parseVersionRange(' <=1.5.0'), versionFromName);
  assert.deepEqual([...keep], ['x.v3.0.0', 'x.v1.5.0', 'x.v2.0.0', 'x.v1.0.0']);
  assert.equal(warnings.length, 2);
  assert.match(
    warnings[0],
    /^including bundle "x.v3.0.0" with version "3.0.0": it falls outside the specified range of "<=1.5.0"/,
  );
  // Without v1.5 in range, the chain is cut just above the in-range part.
  const low = walkVersionRange(graph, parseVersionRange('<=1.0.0'), versionFromName);
  assert.deepEqual([...low.keep], ['x.v1.0.0']);
  assert.deepEqual(low.warnings, []);
  // Tail: the first node from the top with no in-range bundle at or below it is dropped with everything below.
  const high = walkVersionRange(graph, parseVersionRange('>=2.0.0'), versionFromName);
  assert.deepEqual([...high.keep], ['x.v3.0.0', 'x.v2.0.0']);
});

test('range walk: unversioned chain nodes are kept when needed, with a warning', () => {
  const graph = buildChannelGraph(
    ch(
      { name: 'x.v0.5.0' },
      { name: 'x.v1.0.0' },
      { name: 'mid', replaces: 'x.v1.0.0', skips: ['x.v0.5.0'] },
      { name: 'x.v3.0.0', replaces: 'mid' },
    ),
  );
  const { keep, warnings } = walkVersionRange(graph, parseVersionRange('<=1.0.0'), versionFromName);
  assert.deepEqual([...keep], ['mid', 'x.v0.5.0', 'x.v1.0.0']);
  assert.deepEqual(warnings, [
    'including bundle "mid": it is unversioned but is required to ensure inclusion of all bundles in the range',
  ]);
});

test('range walk: skips of kept nodes are kept only when in range', () => {
  const graph = buildChannelGraph(
    ch(
      { name: 'x.v1.0.0' },
      { name: 'x.v1.1.0' },
      { name: 'x.v1.2.0', replaces: 'x.v1.0.0', skips: ['x.v1.1.0', 'x.v0.9.0'] },
    ),
  );
  const { keep } = walkVersionRange(graph, parseVersionRange('>=1.0.0'), versionFromName);
  assert.deepEqual([...keep], ['x.v1.2.0', 'x.v1.1.0', 'x.v1.0.0']);
});

test('range walk: Masterminds prerelease rule on the jaeger channel', () => {
  const objects = jsonObjects(`${UPSTREAM}fbc/jaeger-product/catalog.json`);
  const graph = buildChannelGraph(channels(objects).get('stable') as FbcChannel);
  const versionOf = versions(objects);
  const walk = (range: string) => [...walkVersionRange(graph, parseVersionRange(range), versionOf).keep].sort();
  // Every bundle above 1.30.2 is a prerelease: a range without a prerelease sees 1.30.2 only.
  assert.deepEqual(walk('>=1.30.0'), ['jaeger-operator.v1.30.2']);
  assert.deepEqual(walk('>=1.31.0'), []);
  assert.deepEqual(walk('>=1.42.0-0'), [
    'jaeger-operator.v1.42.0-5',
    'jaeger-operator.v1.42.0-5-0.1687199951.p',
    'jaeger-operator.v1.47.1-5',
    'jaeger-operator.v1.51.0-1',
  ]);
});
