import { test } from 'node:test';
import assert from 'node:assert/strict';
import chalk from 'chalk';
import { Box, renderToString } from 'ink';
import prettyBytes from 'pretty-bytes';
import stringWidth from 'string-width';
import { Line, columnsOf, cutToColumns, paint, plainOf, type Segment } from '../../components/shared/Line.js';
import { formatBytes } from '../../components/shared/format.js';
import { NARROW_GLYPHS, createTheme } from '../../components/shared/theme.js';

const PLAIN = createTheme({ color: false, unicode: true });
const COLOUR = createTheme({ color: true, unicode: true });
// eslint-disable-next-line no-control-regex -- SGR escape sequences
const SGR = /\u001b\[\d+(;\d+)*m/;
// eslint-disable-next-line no-control-regex -- SGR escape sequences
const SGR_ALL = /\u001b\[\d+(;\d+)*m/g;

test('columns: ASCII and the dashboard glyphs count one each; wide text is measured', () => {
  assert.equal(columnsOf('abc'), 3);
  assert.equal(columnsOf(`${NARROW_GLYPHS}x`), [...NARROW_GLYPHS].length + 1);
  for (const glyph of NARROW_GLYPHS) assert.equal(stringWidth(glyph), 1, `glyph ${glyph} is one column`);
  assert.equal(columnsOf('日本 registry'), 2 * 2 + 9);
  assert.equal(columnsOf('ok 👍'), 5);
  assert.equal(cutToColumns('日本語のエラーメッセージ', 9, '…'), '日本語の…');
  assert.ok(columnsOf(cutToColumns('日本語のエラーメッセージ', 9, '…')) <= 9);
});

test('paint: tones and bold become SGR codes only when the theme has colour', () => {
  const segments: Segment[] = [
    'a ',
    { text: 'ok', tone: 'ok' },
    { text: ' bold', bold: true },
    { text: '', tone: 'error' },
  ];
  assert.equal(plainOf(segments), 'a ok bold');
  assert.equal(paint(segments, PLAIN), 'a ok bold');
  // chalk picks its level from the test process (often no colour without a TTY): force one for this check.
  const level = chalk.level;
  chalk.level = 1;
  try {
    const coloured = paint(segments, COLOUR);
    assert.match(coloured, SGR);
    assert.equal(coloured.replace(SGR_ALL, ''), 'a ok bold');
  } finally {
    chalk.level = level;
  }
});

test('Line renders its text exactly, and cuts a too-wide line to the width instead of letting it wrap', () => {
  const frame = renderToString(
    <Box flexDirection="column" width={30}>
      <Line segments={['⠋ copying ', { text: '█████░░░░░', tone: 'active' }, ' 50%']} width={30} theme={PLAIN} />
      <Line segments={['']} width={30} theme={PLAIN} />
      <Line
        segments={[{ text: '✗ レジストリが応答しません: 接続がリセットされました', tone: 'error' }]}
        width={30}
        theme={PLAIN}
      />
      <Line segments={['last line']} width={30} theme={PLAIN} />
    </Box>,
    { columns: 30 },
  );
  const lines = frame.split('\n');
  assert.equal(lines[0], '⠋ copying █████░░░░░ 50%');
  assert.equal(lines[1], '');
  assert.ok(stringWidth(lines[2]) <= 30, `cut to 30 columns: ${lines[2]}`);
  assert.match(lines[2], /^✗ レジストリが.*…$/);
  assert.equal(lines[3], 'last line');
  assert.equal(lines.length, 4);
});

test('formatBytes matches pretty-bytes (binary, one decimal cut, no grouping) without calling Intl', () => {
  const samples = [0, 1, 999, 1000, 1023, 1024, 1536, 10 * 1024 - 1, 1048535, 1048576, 1.25 * 1024 ** 2, 33554432];
  for (let e = 0; e < 60; e += 3) samples.push(Math.floor(1.7 ** e), Math.floor(2 ** e * 1.049));
  samples.push(1023.96 * 1024 ** 3, 5.5 * 1024 ** 4, 1024 ** 5 * 3, 2.3 * 1024, 2.3 * 1024 ** 2, 0.3 * 1024 * 10);
  for (let n = 1; n < 40_000; n += 37) samples.push(n * 1024 + (n % 1024));
  for (const n of samples) {
    assert.equal(formatBytes(n), prettyBytes(n, { binary: true, maximumFractionDigits: 1 }), `${n}`);
  }
  assert.equal(formatBytes(-1), '?');
  assert.equal(formatBytes(Number.NaN), '?');
});
