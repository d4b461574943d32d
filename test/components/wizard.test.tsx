import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { createTheme } from '../../components/shared/theme.js';
import type { ConfigFile, DescribeConfigResult } from '../../components/wizard/config-summary.js';
import { Wizard } from '../../components/wizard/Wizard.js';
import {
  buildArgv,
  displayPath,
  formatCommandLine,
  initialWizardState,
  pathFieldsFor,
  validatePathField,
  wizardReducer,
} from '../../components/wizard/wizard-state.js';
import type { WizardAction, WizardState } from '../../components/wizard/wizard-state.js';
import { keyOf } from '../../components/shared/input-keys.js';
import { KEYS, lastMeaningfulFrame, press, typeText, waitForFrame } from './helpers/ink-harness.js';

const CWD = '/work/project';
const HOME = '/home/mirror';
const THEME = createTheme({ color: false, unicode: true });

const FILES: ConfigFile[] = [
  { path: `${CWD}/isc.yaml`, kind: 'ImageSetConfiguration' },
  { path: `${CWD}/broken.yaml`, kind: 'ImageSetConfiguration' },
  { path: `${CWD}/disc.yaml`, kind: 'DeleteImageSetConfiguration' },
];

const DESCRIPTIONS: Record<string, DescribeConfigResult> = {
  'isc.yaml': {
    ok: true,
    summary: {
      kind: 'ImageSetConfiguration',
      channels: ['stable-4.16'],
      releaseRanges: [
        { channel: 'stable-4.16', minVersion: '4.16.3', maxVersion: '4.16.9', full: false, shortestPath: true },
      ],
      graph: true,
      catalogs: [
        {
          catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.16',
          packages: ['cluster-logging', 'web-terminal'],
          channels: { 'cluster-logging': ['stable-6.1', 'stable-6.2'] },
        },
      ],
      additionalImages: ['registry.redhat.io/ubi9/ubi:latest'],
      charts: ['podinfo'],
      helmRepositories: [{ name: 'podinfo-repo', charts: [{ name: 'podinfo', version: '5.0.0' }] }],
    },
  },
  'broken.yaml': {
    ok: false,
    problems: [
      { line: 12, column: 7, message: "unknown field 'packagess'" },
      { line: 4, column: 3, message: 'mirror.platform.channels[0].name is required' },
    ],
  },
  'disc.yaml': {
    ok: true,
    summary: {
      kind: 'DeleteImageSetConfiguration',
      channels: [],
      catalogs: [],
      additionalImages: ['quay.io/a/b:1'],
      charts: [],
    },
  },
  'other/typed.yaml': {
    ok: true,
    summary: {
      kind: 'ImageSetConfiguration',
      channels: [],
      catalogs: [],
      additionalImages: ['quay.io/x/y:2'],
      charts: [],
    },
  },
};

interface Session {
  frame: () => string;
  key: (data: string) => Promise<void>;
  type: (text: string) => Promise<void>;
  /** Writes `data` to stdin in one chunk, as a laggy SSH link or a paste delivers typed-ahead keys. */
  burst: (data: string) => void;
  waitFor: (text: string) => Promise<string>;
  /** Waits until onSubmit was called (it runs in an effect after the key). */
  waitForSubmit: () => Promise<void>;
  submitted: string[][];
  cancelled: number;
  described: string[];
}

function startWizard(t: { after: (fn: () => void) => void }, homeDir = HOME): Session {
  const session: Session = {
    frame: () => '',
    key: async () => {},
    type: async () => {},
    burst: () => {},
    waitFor: async () => '',
    waitForSubmit: async () => {},
    submitted: [],
    cancelled: 0,
    described: [],
  };
  const app = render(
    <Wizard
      cwd={CWD}
      homeDir={homeDir}
      theme={THEME}
      listConfigs={async () => FILES}
      describeConfig={async (path) => {
        session.described.push(path);
        return (
          DESCRIPTIONS[path] ?? { ok: false, problems: [{ line: 0, column: 0, message: `no such file: ${path}` }] }
        );
      }}
      onSubmit={(argv) => session.submitted.push(argv)}
      onCancel={() => session.cancelled++}
    />,
  );
  t.after(() => app.unmount());
  session.frame = () => lastMeaningfulFrame(app.frames);
  session.key = (data) => press(app.stdin, data);
  session.type = (text) => typeText(app.stdin, text);
  session.burst = (data) => app.stdin.write(data);
  session.waitFor = (text) => waitForFrame(session.frame, (f) => f.includes(text), JSON.stringify(text));
  session.waitForSubmit = async () => {
    await waitForFrame(
      () => String(session.submitted.length),
      (n) => n !== '0',
      'onSubmit',
    );
  };
  return session;
}

test('mirror to mirror, by keys: config preview, locations, changed options, review → argv', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.down);
  await s.key(KEYS.down);
  await s.key(KEYS.enter);
  let frame = await s.waitFor('Releases     stable-4.16 (4.16.3–4.16.9, shortest path) + graph image');
  assert.match(frame, /\[2 Config\]/);
  assert.match(frame, /❯ isc\.yaml/);
  assert.match(
    frame,
    /Operators {4}registry\.redhat\.io\/redhat\/redhat-operator-index:v4\.16 \(2 packages\)\n +├ cluster-logging: stable-6\.1, stable-6\.2\n +└ web-terminal: all channels\n/,
  );
  assert.match(frame, /Helm charts {2}1: podinfo\n +└ podinfo-repo: podinfo 5\.0\.0/);
  assert.match(frame, /1 other config\(s\) not listed \(DeleteImageSetConfiguration\)/);
  assert.doesNotMatch(frame, /disc\.yaml/);
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  await s.type('/data/ws');
  await s.key(KEYS.enter);
  await s.type('registry.local:5000/mirror');
  await s.key(KEYS.enter);
  await s.waitFor('[4 Options]');
  await s.key(KEYS.right);
  await s.key(KEYS.right); // parallel images 6
  await s.key(KEYS.down);
  await s.key(KEYS.left); // parallel layers 4
  await s.key(KEYS.down);
  await s.key(KEYS.down);
  await s.key(KEYS.space); // destination TLS verify off
  await s.key(KEYS.down);
  await s.key(KEYS.space); // dry run on
  await s.key(KEYS.down); // cache directory (text)
  await s.type('/x'); // appended to the default
  await s.key(KEYS.enter);
  frame = await s.waitFor('[5 Review]');
  const expected = [
    '-c',
    'isc.yaml',
    '--workspace',
    'file:///data/ws',
    'docker://registry.local:5000/mirror',
    '--parallel-images',
    '6',
    '--parallel-layers',
    '4',
    '--dest-tls-verify=false',
    '--dry-run',
    '--cache-dir',
    `${HOME}/x`,
  ];
  assert.ok(frame.replace(/\n\s*/g, ' ').includes(formatCommandLine(expected)), frame);
  assert.deepEqual(s.submitted, []);
  await s.key(KEYS.enter);
  await s.waitForSubmit();
  assert.deepEqual(s.submitted, [expected]);
  assert.equal(s.cancelled, 0);
});

test('mirror to disk with defaults: only the config and the destination on the command line', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.enter);
  await s.waitFor('Archive directory');
  await s.type('mirror');
  await s.key(KEYS.enter);
  await s.waitFor('[4 Options]');
  await s.key(KEYS.enter);
  const frame = await s.waitFor('[5 Review]');
  assert.match(frame, /ocm-tui -c isc\.yaml file:\/\/mirror\n/);
  assert.match(frame, /Options +defaults/);
  await s.key(KEYS.enter);
  await s.waitForSubmit();
  assert.deepEqual(s.submitted, [['-c', 'isc.yaml', 'file://mirror']]);
});

test('delete lists only DeleteImageSetConfiguration files and produces delete --generate', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  for (let i = 0; i < 3; i++) await s.key(KEYS.down);
  await s.key(KEYS.enter);
  const frame = await s.waitFor('DeleteImageSetConfiguration');
  await s.waitFor('Images       1: quay.io/a/b:1');
  assert.doesNotMatch(s.frame(), /\bisc\.yaml/);
  assert.match(frame, /Which DeleteImageSetConfiguration\?/);
  await s.key(KEYS.enter);
  await s.waitFor('Workspace (--workspace)');
  await s.type('ws');
  await s.key(KEYS.enter);
  await s.type('reg:5000');
  await s.key(KEYS.enter);
  await s.waitFor('Verify destination TLS');
  await s.key(KEYS.enter);
  const review = await s.waitFor('[5 Review]');
  assert.match(review, /nothing is deleted until/);
  await s.key(KEYS.enter);
  await s.waitForSubmit();
  assert.deepEqual(s.submitted, [
    ['delete', '--generate', '-c', 'disc.yaml', '--workspace', 'file://ws', 'docker://reg:5000'],
  ]);
});

test('Esc goes back at every step, and leaves the wizard from the first one', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  await s.type('mirror');
  await s.key(KEYS.enter);
  await s.waitFor('[4 Options]');
  await s.key(KEYS.enter);
  await s.waitFor('[5 Review]');
  for (const step of ['[4 Options]', '[3 Locations]', '[2 Config]', '[1 Workflow]']) {
    await s.key(KEYS.escape);
    await s.waitFor(step);
  }
  // Values survive going back and forth.
  await s.key(KEYS.enter);
  await s.waitFor('[2 Config]');
  await s.key(KEYS.enter);
  const frame = await s.waitFor('[3 Locations]');
  assert.match(frame, /file:\/\/mirror/);
  await s.key(KEYS.escape);
  await s.waitFor('[2 Config]');
  await s.key(KEYS.escape);
  await s.waitFor('[1 Workflow]');
  await s.key(KEYS.escape);
  await waitForFrame(
    () => String(s.cancelled),
    (c) => c === '1',
    'onCancel',
  );
  assert.deepEqual(s.submitted, []);
});

test('Ctrl+C leaves the wizard from any step without submitting', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  await s.key(KEYS.ctrlC);
  await waitForFrame(
    () => String(s.cancelled),
    (c) => c === '1',
    'onCancel',
  );
  assert.deepEqual(s.submitted, []);
  // The key did not leak into the focused text field.
  assert.match(s.frame(), /Archive directory +file:\/\/\n/);
});

test('config problems show inline with line:column and block Enter; a typed path is described on Enter', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.down);
  let frame = await s.waitFor('2 problem(s)');
  assert.match(
    frame,
    /broken\.yaml:4:3 {2}mirror\.platform\.channels\[0\]\.name is required\n\s+broken\.yaml:12:7 {2}unknown field 'packagess'/,
  );
  await s.key(KEYS.enter);
  frame = await s.waitFor('fix them or choose another file');
  assert.match(frame, /\[2 Config\]/);
  assert.equal(s.described.filter((p) => p === 'broken.yaml').length, 2, 'Enter re-reads a file that had problems');

  await s.key(KEYS.down);
  await s.type('other/typed.yaml');
  await s.key(KEYS.enter);
  frame = await s.waitFor('[3 Locations]');
  assert.ok(s.described.includes('other/typed.yaml'));
  await s.key(KEYS.escape);
  frame = await s.waitFor('Images       1: quay.io/x/y:2');
  assert.match(frame, /Type a path: other\/typed\.yaml/);
});

test('locations are validated inline before moving on', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  await s.key(KEYS.enter);
  await s.waitFor('✗ give a directory after file://');
  await s.type('/data/helm-mirror');
  await s.key(KEYS.enter);
  const frame = await s.waitFor("internal oc-mirror keyword 'helm'");
  assert.match(frame, /\[3 Locations\]/);
});

function apply(state: WizardState, actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}

test('wizard reducer: validation rules, argv building and quoting', () => {
  const archive = pathFieldsFor('mirrorToDisk')[0];
  const registry = pathFieldsFor('mirrorToMirror')[1];
  const workspace = pathFieldsFor('mirrorToMirror')[0];
  assert.equal(validatePathField(archive, '/data/mirror'), 'must start with file:// (for example file:///data/mirror)');
  assert.equal(
    validatePathField(archive, 'file:///data/logs'),
    "contains the internal oc-mirror keyword 'logs': choose another directory name",
  );
  assert.equal(validatePathField(workspace, 'file:///data/logs'), undefined);
  assert.equal(
    validatePathField(registry, 'docker://'),
    'give a registry host after docker:// (for example docker://registry.example.com:5000)',
  );
  assert.equal(validatePathField(registry, 'docker://bad host'), 'a registry reference has no spaces');
  assert.equal(validatePathField(registry, 'docker://reg:port/x'), "'reg:port' is not a registry host[:port]");
  assert.equal(validatePathField(registry, 'docker://[::1]:5000/ns'), undefined);
  assert.equal(
    validatePathField(registry, 'http://reg'),
    'must start with docker:// (for example docker://registry.example.com:5000)',
  );

  assert.equal(displayPath('/work/project', '/work/project/sub/isc.yaml'), 'sub/isc.yaml');
  assert.equal(displayPath('/work/project', '/etc/isc.yaml'), '/etc/isc.yaml');
  assert.equal(formatCommandLine(['-c', 'my config.yaml', "it's"]), `ocm-tui -c 'my config.yaml' 'it'\\''s'`);

  let state = initialWizardState({ cwd: '/w', homeDir: HOME });
  state = apply(state, [
    { type: 'key', key: 'down' },
    { type: 'key', key: 'enter' },
    { type: 'configs.loaded', files: [{ path: '/w/isc.yaml', kind: 'ImageSetConfiguration' }] },
    { type: 'config.described', path: 'isc.yaml', result: DESCRIPTIONS['isc.yaml'] },
    { type: 'key', key: 'enter' },
    { type: 'text', field: 'from', value: 'file:///archives' },
    { type: 'key', key: 'enter' },
    { type: 'text', field: 'destination', value: 'docker://reg' },
    { type: 'key', key: 'enter' },
    { type: 'text', field: 'cacheDir', value: '' },
    { type: 'key', key: 'enter' },
  ]);
  assert.equal(state.step, 'review');
  assert.equal(state.options.cacheDir, HOME, 'an emptied cache directory falls back to the default');
  assert.deepEqual(buildArgv(state), ['-c', 'isc.yaml', '--from', 'file:///archives', 'docker://reg']);
  // A workflow that needs the other config kind refuses it with a message.
  const mismatch = apply(initialWizardState({ cwd: '/w', homeDir: HOME }), [
    { type: 'configs.loaded', files: [] },
    { type: 'key', key: 'enter' },
    { type: 'text', field: 'typedPath', value: 'disc.yaml' },
    { type: 'key', key: 'enter' },
    { type: 'config.described', path: 'disc.yaml', result: DESCRIPTIONS['disc.yaml'] },
  ]);
  assert.equal(mismatch.step, 'config');
  assert.equal(
    mismatch.message,
    'disc.yaml is a DeleteImageSetConfiguration; Mirror to disk needs an ImageSetConfiguration',
  );
});

test('keys typed ahead in one chunk land where the key before them moved the focus (issue 21)', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  // Mirror to mirror, isc.yaml, as separate keys.
  await s.key(KEYS.down);
  await s.key(KEYS.down);
  await s.key(KEYS.enter);
  await s.waitFor('Releases     stable-4.16');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  // Workspace, ↓, destination: one write, no pause.
  s.burst(`/data/ws${KEYS.down}registry.local:5000/mirror`);
  let frame = await s.waitFor('docker://registry.local:5000/mirror');
  assert.match(frame, /Workspace \(--workspace\) +file:\/\/\/data\/ws\n/);
  assert.match(frame, /❯ Destination registry +docker:\/\/registry\.local:5000\/mirror/);
  // ↑, erase "ws", type "xy", Enter (next field), Enter (checks both, on to the options): one write.
  s.burst(`${KEYS.up}\u007F\u007Fxy\r\r`);
  frame = await s.waitFor('[4 Options]');
  // Options: → → (parallel images 6), ↓ ↓ ↓ (destination TLS), Space (off), Enter: one write.
  s.burst(`${KEYS.right}${KEYS.right}${KEYS.down}${KEYS.down}${KEYS.down} \r`);
  frame = await s.waitFor('[5 Review]');
  const expected = [
    '-c',
    'isc.yaml',
    '--workspace',
    'file:///data/xy',
    'docker://registry.local:5000/mirror',
    '--parallel-images',
    '6',
    '--dest-tls-verify=false',
  ];
  assert.ok(frame.replace(/\n\s*/g, ' ').includes(formatCommandLine(expected)), frame);
  await s.key(KEYS.enter);
  await s.waitForSubmit();
  assert.deepEqual(s.submitted, [expected]);
});

test('a pasted config path with its Enter is read and accepted (one chunk)', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  s.burst(`${KEYS.down}${KEYS.down}other/typed.yaml\r`);
  const frame = await s.waitFor('[3 Locations]');
  assert.match(frame, /Archive directory +file:\/\//);
  assert.ok(s.described.includes('other/typed.yaml'), s.described.join(', '));
  s.burst('mirror\r\r');
  await s.waitFor('[5 Review]');
  await s.key(KEYS.enter);
  await s.waitForSubmit();
  assert.deepEqual(s.submitted, [['-c', 'other/typed.yaml', 'file://mirror']]);
});

test('wizard reducer: each key press is decided against the state the previous one left', () => {
  const press = (input: string, flags: Parameters<typeof keyOf>[0] = {}): WizardAction => ({
    type: 'input',
    input,
    key: keyOf(flags),
  });
  let state = apply(initialWizardState({ cwd: '/w', homeDir: HOME }), [
    { type: 'configs.loaded', files: [{ path: '/w/isc.yaml', kind: 'ImageSetConfiguration' }] },
    press('', { downArrow: true }),
    press('', { downArrow: true }),
    press('', { return: true }),
    press('', { return: true }),
    { type: 'config.described', path: 'isc.yaml', result: DESCRIPTIONS['isc.yaml'] },
  ]);
  assert.equal(state.step, 'paths');
  assert.equal(state.workflow, 'mirrorToMirror');
  state = apply(state, [
    press('/data/w'),
    press('s'),
    press('', { downArrow: true }),
    press('reg:5000'),
    press('', { leftArrow: true }),
    press('', { leftArrow: true }),
    press('', { leftArrow: true }),
    press('', { leftArrow: true }),
    press('', { delete: true }),
    press('-'),
  ]);
  assert.deepEqual(state.paths, { workspace: 'file:///data/ws', destination: 'docker://reg-5000', from: 'file://' });
  state = apply(state, [press('', { return: true }), press('', { downArrow: true }), press('+'), press(' ')]);
  assert.equal(state.step, 'options');
  assert.equal(state.options.parallelLayers, 6, '+ on a number row is "increase", not text');
  state = apply(state, [press('', { upArrow: true }), press('c', { ctrl: true })]);
  assert.deepEqual(state.outcome, { type: 'cancel' });
});

test('Options at 100 columns: the selected cache directory shows its whole path, others keep both ends', async (t) => {
  const home = '/tmp/ocm-tui-demo-4f9a2c/a-home-directory-with-a-long-name/and-some-more-levels/cache-lives-here';
  const s = startWizard(t, home);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.enter);
  await s.waitFor('Releases');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  await s.type('mirror');
  await s.key(KEYS.enter);
  let frame = await s.waitFor('[4 Options]');
  // Not selected: as much of the path as fits, with its end.
  const row = frame.split('\n').find((l) => l.includes('Cache directory')) ?? '';
  assert.match(row, /Cache directory +\/tmp\/ocm-tui-demo-4f9a2c\/.*….*\/cache-lives-here$/, row);
  for (let i = 0; i < 4; i++) await s.key(KEYS.down);
  frame = await s.waitFor('--cache-dir');
  // Selected: every character of the path (wrapped inside the value column when longer than the row).
  const joined = frame
    .split('\n')
    .map((l) => l.trim())
    .join('');
  assert.ok(joined.includes(home), frame);
  assert.ok(
    frame.split('\n').every((l) => l.length <= 100),
    frame,
  );
});

test('three writes with no pause between them (text, ↓, text) land in two fields (issue 21)', async (t) => {
  const s = startWizard(t);
  await s.waitFor('What do you want to do?');
  await s.key(KEYS.down);
  await s.key(KEYS.down);
  await s.key(KEYS.enter);
  await s.waitFor('Releases     stable-4.16');
  await s.key(KEYS.enter);
  await s.waitFor('[3 Locations]');
  s.burst('/data/ws');
  s.burst(KEYS.down);
  s.burst('registry.local:5000/mirror');
  const frame = await s.waitFor('docker://registry.local:5000/mirror');
  assert.match(frame, /Workspace \(--workspace\) +file:\/\/\/data\/ws\n/);
  assert.match(frame, /❯ Destination registry +docker:\/\/registry\.local:5000\/mirror/);
});
