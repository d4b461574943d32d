/**
 * The config builder: key splitting, the reducer screen by screen, the Ink view driven by keys (one at a time
 * and in bursts), saving with the overwrite question, and the frame time of a 3,000-bundle catalog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browseCatalog, keptBundles } from '../../core/collect/operator/catalog-browser.js';
import type { CatalogModel } from '../../core/collect/operator/catalog-browser.js';
import type { UpdateGraph } from '../../core/collect/release/cincinnati-graph.js';
import { checkIscText } from '../../core/config/isc-writer.js';
import { splitKeys } from '../../components/config-builder/builder-keys.js';
import type { BuilderKey } from '../../components/config-builder/builder-keys.js';
import {
  builderReducer,
  includePackageOf,
  initialBuilderState,
  pendingLoads,
} from '../../components/config-builder/builder-state.js';
import type { BuilderState } from '../../components/config-builder/builder-state.js';
import { ConfigBuilder, configText } from '../../components/config-builder/ConfigBuilder.js';
import type { BuilderServices } from '../../components/config-builder/ConfigBuilder.js';
import { createTheme } from '../../components/shared/theme.js';
import { syntheticCatalog } from '../harness/synthetic-catalog.js';
import { KEYS, renderSized, waitForFrame, stripAnsi } from './helpers/ink-harness.js';
import { measureKeyFrames } from './helpers/frame-time.js';

const THEME = createTheme({ color: false, unicode: true });
const CATALOG = 'registry.example/ops/catalog:v1';

function model(packages = 12, bundles = 4): CatalogModel {
  return browseCatalog(CATALOG, syntheticCatalog({ packages, bundlesPerPackage: bundles }));
}

function graph(versions: string[]): UpdateGraph {
  const nodes = versions.map((version) => ({
    version,
    payload: `quay.example/ocp-release@sha256:${version.replace(/\D/g, '').padStart(64, '0')}`,
    channels: ['stable-4.20', 'fast-4.20', 'eus-4.20'],
    metadata: {},
  }));
  const edges: [number, number][] = [];
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) edges.push([i, j]);
  return { nodes, edges };
}

function keys(state: BuilderState, data: string): BuilderState {
  return splitKeys(data).reduce((s, key) => builderReducer(s, { type: 'key', key }), state);
}

test('splitKeys: a burst chunk becomes single keys in order', () => {
  const kinds = (data: string) => splitKeys(data).map((k: BuilderKey) => (k.kind === 'char' ? k.char : k.kind));
  assert.deepEqual(kinds('abc\u001b[Bxyz'), ['a', 'b', 'c', 'down', 'x', 'y', 'z']);
  assert.deepEqual(kinds('\u001b[A\u001b[5~\u001b[6~\u001bOH\u001b[F\u001b[3~\u001b[Z'), [
    'up',
    'pageUp',
    'pageDown',
    'home',
    'end',
    'delete',
    'backTab',
  ]);
  assert.deepEqual(kinds('a\r\nb\r\t\u007f\u001b'), ['a', 'enter', 'b', 'enter', 'tab', 'backspace', 'escape']);
  assert.deepEqual(kinds('\u001b[200~x y\u001b[201~'), ['x', ' ', 'y']);
  assert.deepEqual(splitKeys('\u0003'), [{ kind: 'ctrl', char: 'c' }]);
});

test('reducer: catalog → filter → package with channels and a range → draft; kept bundles from the filter', () => {
  let s = initialBuilderState({ openshiftVersion: '4.18' });
  s = keys(s, '\r'); // Operators
  assert.equal(s.screen, 'catalogs');
  // Red Hat catalogs of 4.18 are offered; the cursor goes to the input row and a reference is typed.
  s = keys(s, '\u001b[F');
  s = keys(s, `${CATALOG}\r`);
  assert.equal(s.screen, 'packages');
  assert.deepEqual(pendingLoads(s).catalogs, [CATALOG]);
  const m = model();
  s = builderReducer(s, { type: 'catalog.loaded', ref: CATALOG, model: m });
  assert.equal(s.filtered.length, 12);
  s = keys(s, 'kafka');
  assert.ok(s.filtered.length > 0 && s.filtered.length < 12);
  const first = m.packages[s.filtered[0]];
  assert.match(first.searchText, /kafka/);
  s = keys(s, '\r'); // open the package
  assert.equal(s.screen, 'package');
  // Channels are sorted: fast, stable. Choose fast (not the default channel), then min = 1.2.0.
  s = keys(s, ' ');
  s = keys(s, '\u001b[B\u001b[B'); // min row
  s = keys(s, '\u001b[C'); // first version of fast: 1.2.0
  assert.equal(s.pkg?.minVersion, '1.2.0');
  s = keys(s, '\r');
  assert.equal(s.screen, 'packages');
  const pkg = s.draft.operators[0].packages[0];
  assert.deepEqual(pkg, {
    name: first.name,
    channels: ['fast'],
    defaultChannel: 'fast',
    minVersion: '1.2.0',
    maxVersion: undefined,
  });
  const kept = keptBundles(m, includePackageOf(pkg));
  assert.equal(kept.error, undefined);
  assert.deepEqual(
    kept.bundles.map((b) => b.version),
    ['1.2.0', '1.3.0'],
  );
  // A range that empties the default channel is refused with the filter's message.
  s = keys(s, '\r\u001b[B\u001b[B\u001b[C\u001b[B\u001b[C');
  assert.equal(s.pkg?.minVersion, '1.3.0');
  assert.equal(s.pkg?.maxVersion, '1.2.0');
  s = keys(s, '\r');
  assert.equal(s.screen, 'package');
  assert.match(s.message ?? '', /^not kept: .*empty channel/);
  s = keys(s, '\u001b');
  assert.deepEqual(s.draft.operators[0].packages, [pkg]);
  // Space toggles a whole package; Esc clears the filter, a second Esc goes back.
  s = keys(s, '\u001b');
  assert.equal(s.filter, '');
  s = keys(s, ' ');
  assert.equal(s.draft.operators[0].packages.length, 2);
  s = keys(s, '\u001b\u001b');
  assert.equal(s.screen, 'home');
});

test('reducer: releases — channel, graph, min/max from the list, shortest path, added to the draft', () => {
  let s = initialBuilderState({ openshiftVersion: '4.20' });
  s = keys(s, '\u001b[B\r'); // Releases: the stable-4.20 graph is requested at once
  assert.equal(s.screen, 'releases');
  assert.deepEqual(pendingLoads(s).graphs, ['amd64/stable-4.20']);
  s = builderReducer(s, {
    type: 'graph.loaded',
    key: 'amd64/stable-4.20',
    graph: graph(['4.20.1', '4.20.2', '4.20.3', '4.20.4']),
  });
  s = keys(s, '\u001b[B\u001b[B'); // min
  s = keys(s, '\u001b[C\u001b[C'); // 4.20.2
  s = keys(s, '\u001b[B\u001b[D'); // max: wraps to the last version
  assert.equal(s.rel.minVersion, '4.20.2');
  assert.equal(s.rel.maxVersion, '4.20.4');
  s = keys(s, '\u001b[B '); // shortest path on
  s = keys(s, '\r');
  assert.deepEqual(s.draft.releases.channels, [
    { name: 'stable-4.20', minVersion: '4.20.2', maxVersion: '4.20.4', shortestPath: true, full: false },
  ]);
  assert.deepEqual(s.draft.releases.architectures, ['amd64']);
});

test('reducer: additional images and Helm repositories', () => {
  let s = initialBuilderState();
  s = keys(s, '\u001b[B\u001b[B\r');
  assert.equal(s.screen, 'images');
  s = keys(s, 'quay.io/a/b\r');
  assert.match(s.message ?? '', /add a tag/);
  s = keys(s, ':1\rquay.io/c/d@sha256:' + 'a'.repeat(64) + '\r');
  assert.deepEqual(s.draft.additionalImages, ['quay.io/a/b:1', `quay.io/c/d@sha256:${'a'.repeat(64)}`]);
  s = keys(s, '\u001b[B\u001b[3~'); // remove the first
  assert.deepEqual(s.draft.additionalImages, [`quay.io/c/d@sha256:${'a'.repeat(64)}`]);
  s = keys(s, '\u001b\u001b[B\r');
  assert.equal(s.screen, 'helm');
  s = keys(s, 'podinfo\rhttps://stefanprodan.github.io/podinfo\rpodinfo\r6.5.0\r');
  assert.deepEqual(s.draft.helm, [
    {
      name: 'podinfo',
      url: 'https://stefanprodan.github.io/podinfo/',
      charts: [{ name: 'podinfo', version: '6.5.0' }],
    },
  ]);
  const check = checkIscText(configText(s, '2026-12-02'));
  assert.ok(check.ok && check.warnings.length === 0, JSON.stringify(check));
});

test('a burst of keys in one chunk gives the same state as the keys one by one', () => {
  const m = model();
  const start = builderReducer(keys(keys(initialBuilderState(), '\r\u001b[F'), `${CATALOG}\r`), {
    type: 'catalog.loaded',
    ref: CATALOG,
    model: m,
  });
  // The same keys written out one chunk each by hand, so a splitter that cut the burst wrongly would differ.
  const presses = [...'operator', '\u001b[B', ' ', '\u001b[B', 'x', '\u007f', '\u001b[A', '\r', ' '];
  presses.push('\u001b[B', '\u001b[B', '\u001b[C', '\r');
  const together = keys(start, presses.join(''));
  const oneByOne = presses.reduce((s, chunk) => keys(s, chunk), start);
  assert.deepEqual(together.draft, oneByOne.draft);
  assert.equal(together.draft.operators[0].packages.length, 2);
});

interface Harness {
  frame: () => string;
  writeRaw: (data: string) => void;
  frameCount: () => number;
  write: (data: string) => Promise<void>;
  waitFor: (text: string | RegExp) => Promise<string>;
  done: (string | undefined)[];
  written: Map<string, string>;
}

function fakeServices(
  catalog: CatalogModel,
  existing: string[] = [],
): BuilderServices & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return {
    written,
    loadCatalog: async (ref) => {
      if (ref !== CATALOG) throw new Error(`manifest unknown: ${ref}`);
      return catalog;
    },
    fetchGraph: async () => graph(['4.20.1', '4.20.2', '4.20.3']),
    listTags: async (repository) => {
      if (repository !== 'quay.io/team/app') throw new Error(`name unknown: ${repository}`);
      return ['1.0', '1.1', '2.0', 'latest'];
    },
    // 1 MiB per image, half of it cached for the bundle images; the catalog image fails.
    imageFootprint: async (ref) => {
      if (ref === CATALOG) throw new Error('manifest unknown');
      return { bytes: 1024 * 1024, cachedBytes: ref.includes('-bundle:') ? 512 * 1024 : 0 };
    },
    // The dry run: what the filter keeps of each package (bundle and related images) plus the catalog, and the
    // additional images, as the collectors would list them.
    planImages: async (text) => {
      const check = checkIscText(text);
      if (!check.ok) throw new Error(check.problems.join('; '));
      const images: { kind: 'operator' | 'additional'; source: string }[] = [];
      for (const op of check.config.mirror.operators ?? []) {
        for (const pkg of op.packages ?? []) {
          for (const image of keptBundles(catalog, pkg).images) images.push({ kind: 'operator', source: image });
        }
        images.push({ kind: 'operator', source: op.catalog });
      }
      for (const a of check.config.mirror.additionalImages ?? []) images.push({ kind: 'additional', source: a.name });
      const totals = { operator: images.filter((i) => i.kind === 'operator').length };
      return { images, totals, errors: [], warnings: [] };
    },
    listCharts: async () => [
      { name: 'podinfo', versions: ['6.5.1', '6.5.0'] },
      { name: 'redis', versions: ['18.0.0'] },
    ],
    fileExists: async (path) => existing.includes(path) || written.has(path),
    writeConfig: async (path, text) => {
      written.set(path, text);
    },
  };
}

function startBuilder(
  t: { after: (fn: () => void) => void },
  catalog: CatalogModel,
  size = { columns: 80, rows: 24 },
  existing: string[] = [],
): Harness {
  const services = fakeServices(catalog, existing);
  const done: (string | undefined)[] = [];
  const app = renderSized(
    <ConfigBuilder
      services={services}
      onDone={(p) => done.push(p)}
      theme={THEME}
      today="2026-12-02"
      openshiftVersion="4.20"
    />,
    size,
  );
  t.after(() => app.unmount());
  const frame = () => stripAnsi(app.lastFrame());
  return {
    frame,
    writeRaw: (data) => app.stdin.write(data),
    frameCount: () => app.stdout.frames.length,
    done,
    written: services.written,
    write: async (data) => {
      await new Promise((r) => setImmediate(r));
      app.stdin.write(data);
      await new Promise((r) => setImmediate(r));
    },
    waitFor: (text) =>
      waitForFrame(frame, (f) => (typeof text === 'string' ? f.includes(text) : text.test(f)), String(text)),
  };
}

test('view at 80x24: browse, choose, preview, save (asks before overwriting), headless command, hand-off', async (t) => {
  const h = startBuilder(t, model(), { columns: 80, rows: 24 }, ['isc.yaml']);
  await h.waitFor('What goes into the ImageSetConfiguration?');
  await h.write(KEYS.enter);
  await h.waitFor('Red Hat catalogs for OpenShift ‹ 4.20 ›');
  assert.match(h.frame(), /registry\.redhat\.io\/redhat\/redhat-operator-index:v4\.20/);
  await h.write('\u001b[F');
  await h.write(`${CATALOG}\r`);
  let frame = await h.waitFor('12 packages, 48 bundles, 0 chosen');
  assert.match(frame, /NAME +DISPLAY NAME +DEFAULT +HEAD/);
  await h.write('mesh');
  frame = await h.waitFor(/Filter: mesh█ +\(\d+ match/);
  await h.write(KEYS.enter);
  frame = await h.waitFor('Min version');
  assert.match(frame, /Keeps 1 bundle, 2 images: 1\.3\.0/);
  await h.write(`${KEYS.down}${KEYS.down}${KEYS.right}${KEYS.right}`);
  frame = await h.waitFor('Min version  ‹ 1.1.0 ›');
  assert.match(frame, /Keeps 3 bundles, 6 images: 1\.1\.0, 1\.2\.0, 1\.3\.0/);
  await h.write(KEYS.enter);
  await h.waitFor('1 chosen');
  await h.write('\u001b\u001b\u001b');
  await h.waitFor('1 catalog, 1 package');
  // Preview, then save.
  await h.write(`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`);
  // The dry run's images, sized by the (fake) footprints: six images of 1 MiB, the three bundles half cached,
  // the catalog unreadable.
  frame = await h.waitFor('Total: 7 images, 6 MiB (1.5 MiB cached), 1 not measured');
  assert.match(frame, /Dry run of this config \(the mirror's collectors; nothing copied\)/);
  assert.match(frame, /\n {2}operator +7 images +6 MiB \(1\.5 MiB cached\), 1 not measured\n/);
  assert.match(frame, /Selection:\n {2}operator +registry\.example\/ops\/catalog:v1: 1 package\(s\), 3 bundle\(s\)/);
  await h.write(KEYS.enter);
  await h.waitFor('Path: imageset-config.yaml');
  await h.write('\u007f'.repeat('imageset-config.yaml'.length) + 'isc.yaml\r');
  await h.waitFor('isc.yaml exists. Overwrite it? (y/n)');
  await h.write('n');
  await h.waitFor('not overwritten');
  assert.equal(h.written.size, 0);
  await h.write('\u007f'.repeat(8) + 'new.yaml\r');
  frame = await h.waitFor('Saved new.yaml');
  assert.match(frame, /ocm-tui -c new\.yaml file:\/\/mirror-archive/);
  const text = h.written.get('new.yaml')!;
  assert.match(text, /^# ImageSetConfiguration written by the ocm-tui config builder on 2026-12-02/);
  const check = checkIscText(text);
  assert.ok(check.ok && check.warnings.length === 0, JSON.stringify(check));
  assert.equal(check.ok && check.config.mirror.operators?.[0].packages?.[0].minVersion, '1.1.0');
  for (const line of frame.split('\n')) assert.ok([...line].length <= 80, `too wide: ${line}`);
  assert.ok(frame.split('\n').length < 24, frame);
  await h.write(KEYS.enter);
  await waitForFrame(
    () => String(h.done.length),
    (n) => n === '1',
    'onDone',
  );
  assert.deepEqual(h.done, ['new.yaml']);
});

test('view: a burst chunk ("abc\\u001b[Bxyz" style) is applied key by key', async (t) => {
  const h = startBuilder(t, model());
  await h.waitFor('What goes into the ImageSetConfiguration?');
  // Enter, End, the reference and Enter, a filter, Down, Space — all in one chunk.
  await h.write(`\r\u001b[F${CATALOG}\r`);
  await h.waitFor('12 packages');
  await h.write('operator\u001b[B \u001b[B ');
  const frame = await h.waitFor('2 chosen');
  assert.match(frame, /Filter: operator█/);
});

test('view: a catalog that cannot be read says why; Esc goes back', async (t) => {
  const h = startBuilder(t, model());
  await h.waitFor('What goes into');
  await h.write('\r\u001b[Fregistry.example/missing:v1\r');
  await h.waitFor('cannot read registry.example/missing:v1');
  assert.match(h.frame(), /manifest unknown/);
  await h.write('\u001b');
  await h.waitFor('Type a reference');
});

for (const [packages, bundles] of [
  [1000, 3],
  [3000, 1],
] as const) {
  test(`frame time: a 3,000-bundle catalog (${packages} packages) scrolls and filters without visible lag`, async (t) => {
    const big = model(packages, bundles);
    assert.equal(big.bundleCount, 3000);
    const h = startBuilder(t, big, { columns: 80, rows: 24 });
    await h.waitFor('What goes into');
    await h.write(`\r\u001b[F${CATALOG}\r`);
    await h.waitFor(`${packages} packages, 3000 bundles`);
    const stats = await measureKeyFrames(h, [
      ...Array.from({ length: 30 }, () => ({ data: KEYS.pageDown })),
      ...Array.from({ length: 30 }, () => ({ data: KEYS.down })),
      ...'securitymesh'.split('').map((c) => ({ data: c })),
      ...Array.from({ length: 12 }, () => ({ data: KEYS.backspace })),
      ...Array.from({ length: 20 }, () => ({ data: KEYS.pageUp })),
    ]);
    t.diagnostic(
      `3,000-bundle catalog (${packages} packages), 80x24, ${stats.count} keys: frame after key ` +
        `p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms`,
    );
    // Timings are reported, never asserted (a shared CI machine makes wall-clock bounds flaky); every key drew a frame.
    assert.equal(stats.count, 104);
  });
}

test('wizard: "Create a new config" opens the builder; the saved file continues the wizard', async (t) => {
  const { Wizard } = await import('../../components/wizard/Wizard.js');
  const services = fakeServices(model());
  const submitted: string[][] = [];
  const described: string[] = [];
  const app = renderSized(
    <Wizard
      cwd="/work/project"
      homeDir="/home/mirror"
      theme={THEME}
      builder={services}
      listConfigs={async () => []}
      describeConfig={async (path) => {
        described.push(path);
        const text = services.written.get(path);
        const check = text ? checkIscText(text, path) : undefined;
        return check?.ok
          ? {
              ok: true,
              summary: { kind: 'ImageSetConfiguration', channels: [], catalogs: [], additionalImages: [], charts: [] },
            }
          : { ok: false, problems: [{ line: 0, column: 0, message: `cannot read ${path}` }] };
      }}
      onSubmit={(argv) => submitted.push(argv)}
      onCancel={() => undefined}
    />,
    { columns: 80, rows: 24 },
  );
  t.after(() => app.unmount());
  const frame = () => stripAnsi(app.lastFrame());
  const waitFor = (text: string) => waitForFrame(frame, (f) => f.includes(text), text);
  const write = async (data: string) => {
    await new Promise((r) => setImmediate(r));
    app.stdin.write(data);
    await new Promise((r) => setImmediate(r));
  };
  await waitFor('What do you want to do?');
  await write(KEYS.enter);
  await waitFor('Create a new config');
  await write(KEYS.down);
  await waitFor('❯ Create a new config');
  await write(KEYS.enter);
  await waitFor('What goes into the ImageSetConfiguration?');
  // Additional images: one reference, then save as built.yaml.
  await write(`${KEYS.down}${KEYS.down}${KEYS.enter}`);
  await waitFor('Reference:');
  await write('quay.io/a/b:1\r\u001b');
  await waitFor('1 image');
  await write(`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`);
  await waitFor('Path: imageset-config.yaml');
  await write('\u007f'.repeat('imageset-config.yaml'.length) + 'built.yaml\r');
  await waitFor('Saved built.yaml');
  await write(KEYS.enter);
  await waitFor('[3 Locations]');
  assert.deepEqual(described, ['built.yaml']);
  assert.match(services.written.get('built.yaml')!, /additionalImages:\n {4}- name: quay\.io\/a\/b:1\n/);
});

test('view: Tab lists the tags of an image repository and the charts of a Helm repository to pick from', async (t) => {
  const h = startBuilder(t, model());
  await h.waitFor('What goes into');
  await h.write(`${KEYS.down}${KEYS.down}${KEYS.enter}`);
  await h.waitFor('Reference:');
  await h.write('quay.io/team/app:1\t');
  let frame = await h.waitFor('filter: 1█'); // the list, not its loading line
  assert.match(frame, /filter: 1█ +\(2\)/);
  assert.match(frame, /❯ 1\.0\n +1\.1/);
  await h.write(`${KEYS.down}${KEYS.enter}`);
  await h.waitFor('quay.io/team/app:1.1 added');
  await h.write('quay.io/other/x\t');
  await h.waitFor('name unknown: quay.io/other/x');
  await h.write('\u001b\u0015\u001b');
  await h.waitFor('1 image');
  await h.write(`${KEYS.down}${KEYS.enter}`);
  await h.waitFor('Repository name');
  await h.write('podinfo\rhttps://charts.example/podinfo\t');
  frame = await h.waitFor('redis 18.0.0');
  assert.match(frame, /Charts of https:\/\/charts\.example\/podinfo\//);
  assert.match(frame, /podinfo 6\.5\.1\n +podinfo 6\.5\.0\n +redis 18\.0\.0/);
  await h.write(`${KEYS.down}${KEYS.enter}`);
  await h.waitFor('Enter adds the chart');
  await h.write(KEYS.enter);
  frame = await h.waitFor('podinfo added to podinfo');
  assert.match(frame, /podinfo +https:\/\/charts\.example\/podinfo\/ +podinfo 6\.5\.0/);
});

test('ink-testing-library: every screen, its keys and hint line; Esc backs out, Ctrl+C quits', async (t) => {
  const { render } = await import('ink-testing-library');
  const services = fakeServices(model());
  const done: [string | undefined, boolean | undefined][] = [];
  const app = render(
    <ConfigBuilder
      services={services}
      onDone={(p, quit) => done.push([p, quit])}
      theme={THEME}
      today="2026-12-02"
      openshiftVersion="4.18"
    />,
  );
  t.after(() => app.unmount());
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  const waitFor = (text: string) => waitForFrame(frame, (f) => f.includes(text), text);
  const key = async (data: string) => {
    await new Promise((r) => setImmediate(r));
    app.stdin.write(data);
    await new Promise((r) => setImmediate(r));
  };
  const screens: [string, string, string][] = [
    // [keys from home, text on the screen, hint]
    [KEYS.enter, 'Red Hat catalogs for OpenShift ‹ 4.18 ›', '←/→ OpenShift version'],
    [`${KEYS.down}${KEYS.enter}`, 'Architecture', 'Tab channels'],
    [`${KEYS.down}${KEYS.down}${KEYS.enter}`, 'Reference:', 'Tab pick a tag'],
    [`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`, 'Repository URL', 'Tab pick a chart'],
    [`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`, 'No images.', 'Enter save'],
    [
      `${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`,
      'Path: imageset-config.yaml',
      'Enter save',
    ],
  ];
  await waitFor('What goes into the ImageSetConfiguration?');
  assert.match(frame(), /↑\/↓ move {2}Enter open {2}Esc back to the wizard/);
  for (const [keys, text, hint] of screens) {
    await key('\u001b[H'); // Home: the cursor to the first section
    await key(keys);
    const shown = await waitFor(text);
    assert.ok(shown.includes(hint), `hint ${hint} missing:\n${shown}`);
    await key(KEYS.escape);
    await waitFor('What goes into the ImageSetConfiguration?');
  }
  // Catalogs → ←/→ change the OpenShift version of the offered Red Hat catalogs.
  await key(`\u001b[H${KEYS.enter}${KEYS.right}`);
  await waitFor('redhat-operator-index:v4.19');
  await key(KEYS.left + KEYS.left);
  await waitFor('redhat-operator-index:v4.17');
  await key(KEYS.escape);
  await key('\u0003');
  await waitForFrame(
    () => String(done.length),
    (n) => n === '1',
    'onDone',
  );
  assert.deepEqual(done, [[undefined, true]]);
});

test('reducer: the first release channel decides the architecture; later ones add theirs', () => {
  let s = initialBuilderState({ openshiftVersion: '4.20' });
  s = keys(s, '\u001b[B\r\u001b[B\u001b[C'); // Releases, Architecture → arm64
  assert.equal(s.rel.arch, 'arm64');
  s = keys(s, '\u001b[B\r'); // add on the min row
  assert.deepEqual(s.draft.releases.architectures, ['arm64']);
  s = keys(s, '\u001b[A\u001b[D'); // back to amd64
  s = keys(s, '\u001b[H\u0015stable-4.19\u001b[B\u001b[B\r');
  assert.deepEqual(
    s.draft.releases.channels.map((c) => c.name),
    ['stable-4.20', 'stable-4.19'],
  );
  assert.deepEqual(s.draft.releases.architectures, ['arm64', 'amd64']);
});

test('view: Tab on the channel lists the channels the graph names; Enter switches to one and fetches it', async (t) => {
  const h = startBuilder(t, model());
  await h.waitFor('What goes into');
  await h.write(`${KEYS.down}${KEYS.enter}`);
  await h.waitFor('Graph: 3 versions 4.20.1…4.20.3');
  await h.write(KEYS.tab);
  const frame = await h.waitFor('stable-4.20\n');
  assert.match(frame, /Channels named by amd64\/stable-4\.20/);
  assert.match(frame, /❯ eus-4\.20\n +fast-4\.20\n +stable-4\.20/);
  await h.write(`${KEYS.down}${KEYS.enter}`);
  await h.waitFor('Channel        fast-4.20');
  await h.waitFor('Graph: 3 versions');
  await h.write(KEYS.enter);
  await h.waitFor('fast-4.20 added');
});

test('ASCII terminal (LANG=C): every screen prints only ASCII', async (t) => {
  const ascii = createTheme({ color: false, unicode: false });
  const services = fakeServices(model());
  const app = renderSized(<ConfigBuilder services={services} onDone={() => undefined} theme={ascii} />, {
    columns: 80,
    rows: 24,
  });
  t.after(() => app.unmount());
  const frame = () => stripAnsi(app.lastFrame());
  const write = async (data: string) => {
    await new Promise((r) => setImmediate(r));
    app.stdin.write(data);
    await new Promise((r) => setImmediate(r));
  };
  const seen: string[] = [];
  const visit = async (data: string, text: string) => {
    await write(data);
    seen.push(await waitForFrame(frame, (f) => f.includes(text), text));
  };
  await visit('', 'What goes into');
  await visit(`\r\u001b[F${CATALOG}\r`, '12 packages');
  await visit('\r', 'Min version  < none >');
  await visit('\u001b\u001b\u001b\u001b[B\r', 'Architecture');
  await visit('\u001b\u001b[B\r', 'Reference: _');
  await visit('\u001b\u001b[B\r', 'Repository name');
  await visit('\u001b\u001b[B\r', 'Dry run of this config');
  await visit('\r', 'Path: imageset-config.yaml_');
  for (const f of seen) assert.match(f, /^[\x20-\x7e\n]*$/, f);
});

test('view: a catalog being read shows how much of it has arrived, then its packages', async (t) => {
  let release: () => void = () => undefined;
  const services: BuilderServices = {
    ...fakeServices(model()),
    loadCatalog: (_ref, onBytes) =>
      new Promise((resolve) => {
        onBytes?.(3 * 1024 * 1024, 12 * 1024 * 1024);
        release = () => resolve(model());
      }),
  };
  const app = renderSized(<ConfigBuilder services={services} onDone={() => undefined} theme={THEME} />, {
    columns: 80,
    rows: 24,
  });
  t.after(() => app.unmount());
  const frame = () => stripAnsi(app.lastFrame());
  await waitForFrame(frame, (f) => f.includes('What goes into'));
  app.stdin.write(`\r\u001b[F${CATALOG}\r`);
  await waitForFrame(frame, (f) => f.includes('(3 MiB of 12 MiB)'), 'progress');
  release();
  await waitForFrame(frame, (f) => f.includes('12 packages'), 'packages');
});

test('hint lines fit an 80-column terminal on every screen and state', async () => {
  const { screenHints } = await import('../../components/config-builder/BuilderScreens.js');
  const base = initialBuilderState();
  const screens: BuilderState['screen'][] = [
    'home',
    'catalogs',
    'packages',
    'package',
    'releases',
    'images',
    'helm',
    'preview',
    'save',
  ];
  const picker = { kind: 'tags' as const, source: 'x/y', cursor: 0, top: 0, filter: '' };
  const states: BuilderState[] = [
    ...screens.map((screen) => ({ ...base, screen })),
    ...(['images', 'helm', 'releases'] as const).map((screen) => ({ ...base, screen, picker })),
    { ...base, screen: 'save', save: { status: 'confirm', path: 'x' } },
    { ...base, screen: 'save', save: { status: 'saved', path: 'x' } },
  ];
  for (const state of states) {
    for (const unicode of [true, false]) {
      const hint = screenHints(state, unicode);
      assert.ok([...hint].length <= 79, `${state.screen}: ${hint}`);
    }
  }
});
