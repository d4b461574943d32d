import { test } from 'node:test';
import { keyOf } from '../../components/shared/input-keys.js';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Key } from 'ink';
import {
  computeDashboardLayout,
  computeImageColumns,
  computeLayerColumns,
  liveAreaLines,
} from '../../components/dashboard/layout.js';
import {
  formatBytes,
  formatClock,
  formatDuration,
  formatSpeed,
  shortDigest,
  truncateMiddle,
} from '../../components/shared/format.js';
import { DASHBOARD_KEYMAP, WIZARD_KEYMAP, formatHints, matchKey } from '../../components/shared/keymap.js';
import { clampBarWidth, progressBarParts } from '../../components/shared/ProgressBar.js';
import { createTheme, detectColor, detectUnicode } from '../../components/shared/theme.js';

test('the live area never reaches the terminal height, whatever is shown', () => {
  for (const rows of [1, 2, 3, 5, 8, 12, 16, 24, 40, 80]) {
    for (const selected of [false, true]) {
      for (const errorCount of [0, 1, 50]) {
        for (const cancelling of [false, true]) {
          for (const showHelp of [false, true]) {
            const layout = computeDashboardLayout({
              columns: 80,
              rows,
              selected,
              blobCount: 40,
              errorCount,
              showErrors: true,
              cancelling,
              phaseLine: true,
              showHelp,
            });
            const label = JSON.stringify({ rows, selected, errorCount, cancelling, showHelp });
            assert.ok(layout.totalLines < rows || rows === 1, label);
            assert.ok(layout.totalLines <= liveAreaLines(rows), label);
          }
        }
      }
    }
  }
  const roomy = computeDashboardLayout({
    columns: 80,
    rows: 24,
    selected: true,
    blobCount: 12,
    errorCount: 3,
    showErrors: true,
    cancelling: false,
    phaseLine: false,
    showHelp: false,
  });
  assert.equal(roomy.totalLines, 22);
  assert.ok(roomy.tableRows >= 5, `table rows ${roomy.tableRows}`);
  assert.ok(roomy.layerRows >= 3, `layer rows ${roomy.layerRows}`);
  assert.equal(roomy.errorRows, 3);
});

test('table columns fit the width and drop the bar and speed when narrow', () => {
  for (let width = 20; width <= 250; width++) {
    const c = computeImageColumns(width);
    const used =
      c.pointer +
      c.status +
      c.reference +
      [c.type, c.bar, c.percent, c.bytes, c.speed].reduce((n, w) => n + (w > 0 ? w + 1 : 0), 0) +
      1;
    if (width >= 40) assert.ok(used <= width - 1, `width ${width}: ${used}`);
    const l = computeLayerColumns(width);
    const layerUsed =
      l.indent +
      l.glyph +
      l.detail +
      [l.digest, l.size, l.bar, l.percent, l.label].reduce((n, w) => n + (w > 0 ? w + 1 : 0), 0);
    if (width >= 50) assert.ok(layerUsed <= width - 1, `layer width ${width}: ${layerUsed}`);
  }
  const at80 = computeImageColumns(80);
  assert.equal(at80.bar, 0);
  assert.equal(at80.speed, 0);
  assert.ok(at80.type > 0 && at80.bytes > 0 && at80.reference >= 25);
  const at120 = computeImageColumns(120);
  assert.ok(at120.bar >= 10 && at120.speed > 0);
});

test('formatting: middle truncation, 12-hex digests, sizes, speeds and durations', () => {
  const ref = 'quay.io/openshift-release-dev/ocp-release@sha256:0123456789abcdef0123456789abcdef';
  assert.equal(truncateMiddle(ref, 30), 'quay.io/openshi…23456789abcdef');
  assert.equal(truncateMiddle('short', 30), 'short');
  assert.equal(truncateMiddle(ref, 10, '...'), 'quay...def');
  assert.equal(shortDigest('sha256:3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a'), '3f2a1b0c9d8e');
  assert.equal(formatBytes(1536 * 1024), '1.5 MiB');
  assert.equal(formatSpeed(2 * 1024 * 1024), '2 MiB/s');
  assert.equal(formatSpeed(0), '-');
  assert.equal(formatDuration(45_000), '45s');
  // Below 10 s, tenths: a sub-second run is not "0s" (issue 21).
  assert.equal(formatDuration(0), '0.0s');
  assert.equal(formatDuration(440), '0.4s');
  assert.equal(formatDuration(4_360), '4.4s');
  assert.equal(formatDuration(9_940), '9.9s');
  assert.equal(formatDuration(9_960), '10s');
  assert.equal(formatDuration(10_400), '10s');
  assert.equal(formatDuration(725_000), '12m 05s');
  assert.equal(formatDuration(7_380_000), '2h 03m');
  assert.equal(formatClock(65_000), '01:05');
  assert.equal(formatClock(3_725_000), '1:02:05');
});

test('progress bars clamp their width and fraction and have an ASCII form', () => {
  assert.equal(clampBarWidth(1), 4);
  assert.equal(clampBarWidth(500), 40);
  const unicode = createTheme({ color: false, unicode: true }).glyphs;
  const ascii = createTheme({ color: false, unicode: false }).glyphs;
  assert.deepEqual(progressBarParts(0.5, 10, unicode), ['█████', '░░░░░']);
  assert.deepEqual(progressBarParts(0.5, 10, ascii), ['#####', '-----']);
  assert.deepEqual(progressBarParts(7, 4, ascii), ['####', '']);
  assert.deepEqual(progressBarParts(Number.NaN, 4, ascii), ['', '----']);
  assert.deepEqual(progressBarParts(-1, 2, ascii), ['', '----']);
});

test('colour and Unicode follow NO_COLOR, FORCE_COLOR and the locale', () => {
  assert.equal(detectColor({}), true);
  assert.equal(detectColor({ NO_COLOR: '1' }), false);
  assert.equal(detectColor({ NO_COLOR: '' }), true);
  assert.equal(detectColor({ NO_COLOR: '1', FORCE_COLOR: '1' }), true);
  assert.equal(detectColor({ FORCE_COLOR: '0' }), false);
  assert.equal(detectColor({ FORCE_COLOR: 'false' }), false);
  assert.equal(detectUnicode({ LANG: 'en_US.UTF-8' }), true);
  assert.equal(detectUnicode({ LANG: 'C.utf8' }), true);
  assert.equal(detectUnicode({ LANG: 'C' }), false);
  assert.equal(detectUnicode({}), false);
  assert.equal(detectUnicode({ LANG: 'en_US.UTF-8', LC_ALL: 'C' }), false);
  assert.equal(detectUnicode({ LANG: 'en_US.UTF-8', TERM: 'linux' }), false);
  assert.equal(detectUnicode({ LANG: 'C', OCM_TUI_UNICODE: '1' }), true);
  const plain = createTheme({ color: false, unicode: false });
  assert.equal(plain.tone('error'), undefined);
  assert.equal(createTheme({ color: true, unicode: true }).tone('error'), 'red');
  for (const glyph of Object.values(plain.glyphs).flat()) {
    assert.match(glyph, /^[\x20-\x7e]+$/, `non-ASCII fallback glyph ${glyph}`);
  }
  assert.equal(plain.spinner(5), plain.glyphs.spinner[1]);
});

function key(overrides: Partial<Key>): Key {
  return keyOf(overrides);
}

test('keys are data: the same table dispatches keys and writes the hint line', () => {
  assert.equal(matchKey(DASHBOARD_KEYMAP, '', key({ downArrow: true })), 'down');
  assert.equal(matchKey(DASHBOARD_KEYMAP, 'j', key({})), 'down');
  assert.equal(matchKey(DASHBOARD_KEYMAP, '', key({ pageDown: true })), 'pageDown');
  assert.equal(matchKey(DASHBOARD_KEYMAP, '?', key({})), 'help');
  assert.equal(matchKey(DASHBOARD_KEYMAP, 'c', key({ ctrl: true })), 'cancel');
  assert.equal(matchKey(DASHBOARD_KEYMAP, 'c', key({})), undefined);
  assert.equal(matchKey(WIZARD_KEYMAP, '', key({ escape: true, meta: true })), 'back');
  assert.equal(
    formatHints(DASHBOARD_KEYMAP, 200, true),
    '↑/↓ select  PgUp/PgDn page  f failed only  e errors  ? help  Ctrl+C cancel',
  );
  assert.equal(formatHints(DASHBOARD_KEYMAP, 30, false), 'Up/Dn select  PgUp/PgDn page');
  assert.equal(formatHints(WIZARD_KEYMAP, 200, true, ['enter', 'back']), 'Enter continue  Esc back');
});

test('the dashboard, wizard and summary reach the core only through its event and image-type contracts', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name)) files.push(full);
    }
  };
  for (const dir of ['app', 'dashboard', 'shared', 'summary', 'wizard']) walk(join(root, 'components', dir));
  assert.ok(files.length > 10, `found only ${files.length} component files under ${root}`);
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/from '([^']*\/core\/[^']*)'/g)) {
      assert.match(match[1], /\/core\/(events|image-types)\.js$/, `${relative(root, file)} imports ${match[1]}`);
    }
  }
});

test('a chunk of several keys is split into single presses; one key stays as Ink reported it (issue 21)', async () => {
  const { keyOf, splitKeyPresses } = await import('../../components/shared/input-keys.js');
  const { editText } = await import('../../components/shared/text-edit.js');
  const down = keyOf({ downArrow: true });
  assert.deepEqual(splitKeyPresses('', down), [{ input: '', key: down }]);
  assert.deepEqual(splitKeyPresses('a', keyOf()), [{ input: 'a', key: keyOf() }]);
  const presses = splitKeyPresses('aB\r\t\u007F\b\u0003é', keyOf());
  assert.deepEqual(presses, [
    { input: 'a', key: keyOf() },
    { input: 'B', key: keyOf({ shift: true }) },
    { input: '', key: keyOf({ return: true }) },
    { input: '', key: keyOf({ tab: true }) },
    { input: '', key: keyOf({ delete: true }) },
    { input: '', key: keyOf({ backspace: true }) },
    { input: 'c', key: keyOf({ ctrl: true }) },
    { input: 'é', key: keyOf() },
  ]);
  // Editing: insert at the cursor, move, erase before it; navigation keys are not edits.
  assert.deepEqual(editText('file://', undefined, 'ws', keyOf()), { value: 'file://ws', cursor: 9 });
  assert.deepEqual(editText('abc', 1, 'X', keyOf()), { value: 'aXbc', cursor: 2 });
  assert.deepEqual(editText('abc', 1, '', keyOf({ delete: true })), { value: 'bc', cursor: 0 });
  assert.deepEqual(editText('abc', 0, '', keyOf({ backspace: true })), { value: 'abc', cursor: 0 });
  assert.deepEqual(editText('abc', undefined, '', keyOf({ home: true })), { value: 'abc', cursor: 0 });
  assert.equal(editText('abc', undefined, '', keyOf({ downArrow: true })), undefined);
  assert.equal(editText('abc', undefined, 'c', keyOf({ ctrl: true })), undefined);
});
