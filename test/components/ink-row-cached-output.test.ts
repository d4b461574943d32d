// Colour on before chalk is loaded (here and inside the UI bundle), so frames carry real escape codes.
process.env.FORCE_COLOR = '3';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MirrorEvent } from '../../core/events.js';
import { UI_BUNDLE_URL, type UiModule } from '../../source/interactive/load-ui.js';
import { T0, at, digest, MiB, runStarted } from './helpers/events.js';

// Dynamic imports: static ones would load chalk (through Ink) before the line above runs.
const { Chalk } = await import('chalk');
const { FakeStdin, FakeStdout } = await import('./helpers/ink-harness.js');
const { default: RowCachedOutput, clearRowCache } = await import('../../source/interactive/ink-row-cached-output.js');
// Ink's own screen buffer (not exported by the package; reached by its file).
const inkOutputUrl = new URL('./output.js', import.meta.resolve('ink'));
const { default: InkOutput } = (await import(inkOutputUrl.href)) as { default: typeof RowCachedOutput };

type Transformer = (line: string, index: number) => string;
type Op =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: { x1?: number; x2?: number; y1?: number; y2?: number } }
  | { type: 'unclip' };

interface Frame {
  width: number;
  height: number;
  ops: Op[];
}

const chalk = new Chalk({ level: 3 });

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'bc', ' ', '  ', '漢字', '🚀', 'é', 'e\u0301', '─', '…', '█', '░', '✓', 'sha256:ab12', '|', '\t'];
const STYLES: Array<(s: string) => string> = [
  (s) => s,
  (s) => chalk.red(s),
  (s) => chalk.bold(s),
  (s) => chalk.inverse(s),
  (s) => chalk.bgBlue(s),
  (s) => chalk.dim.green(s),
  (s) => chalk.hex('#ff8800')(s),
  (s) => chalk.underline.cyan(s),
  (s) => chalk.bold(`x${chalk.yellow(s)}y`),
];
const TRANSFORMERS: Transformer[] = [
  (line) => line,
  (line) => chalk.bold(line),
  (line, index) => (index % 2 === 1 ? chalk.magenta(line) : line),
  (line) => line.toUpperCase(),
];

function randomFrame(random: () => number): Frame {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const width = int(0, 90);
  const height = int(0, 24);
  const ops: Op[] = [];
  for (let n = int(0, 40); n > 0; n--) {
    const kind = random();
    if (kind < 0.12) {
      const clip: { x1?: number; x2?: number; y1?: number; y2?: number } = {};
      if (random() < 0.7) Object.assign(clip, { x1: int(-2, width), x2: int(0, width + 4) });
      else if (random() < 0.5) clip.x1 = int(0, width);
      if (random() < 0.6) Object.assign(clip, { y1: int(-2, height), y2: int(0, height + 3) });
      ops.push({ type: 'clip', clip });
    } else if (kind < 0.2) {
      ops.push({ type: 'unclip' });
    } else {
      const lines: string[] = [];
      for (let l = int(1, 3); l > 0; l--) {
        let line = '';
        for (let s = int(0, 6); s > 0; s--) line += pick(STYLES)(pick(PIECES).repeat(int(1, 4)));
        lines.push(line);
      }
      const transformers: Transformer[] = [];
      for (let t = int(0, 2); t > 0; t--) transformers.push(pick(TRANSFORMERS));
      ops.push({ type: 'write', x: int(-3, width + 3), y: int(-2, height + 2), text: lines.join('\n'), transformers });
    }
  }
  return { width, height, ops };
}

/** The next frame of a live screen: most writes as before, a few changed. */
function nextFrame(frame: Frame, random: () => number): Frame {
  const fresh = randomFrame(random).ops.filter((op) => op.type === 'write');
  const ops = frame.ops.map((op) => (op.type === 'write' && random() < 0.2 && fresh.length > 0 ? fresh.pop()! : op));
  return { ...frame, ops };
}

function paintWith(Output: typeof RowCachedOutput, frame: Frame): { output: string; height: number } {
  const output = new Output({ width: frame.width, height: frame.height });
  for (const op of frame.ops) {
    if (op.type === 'write') output.write(op.x, op.y, op.text, { transformers: op.transformers });
    else if (op.type === 'clip') output.clip(op.clip);
    else output.unclip();
  }
  return output.get();
}

test('the row-cached screen buffer gives exactly what Ink’s gives, cold and across frames', () => {
  let rowsCompared = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const random = rng(seed);
    if (seed % 50 === 0) clearRowCache();
    let frame = randomFrame(random);
    for (let n = 0; n < 6; n++) {
      const ours = paintWith(RowCachedOutput, frame);
      const inks = paintWith(InkOutput, frame);
      assert.deepEqual(ours, inks, `seed ${seed}, frame ${n}: ${JSON.stringify(frame, null, 1).slice(0, 2000)}`);
      rowsCompared += inks.height;
      frame = nextFrame(frame, random);
    }
  }
  assert.ok(rowsCompared > 10_000, `compared ${rowsCompared} rows`);
});

test('a row is rebuilt when what was written into it changed, even by one column or one style', () => {
  const frame = (x: number, text: string): Frame => ({
    width: 20,
    height: 2,
    ops: [{ type: 'write', x, y: 1, text, transformers: [] }],
  });
  for (const [x, text] of [
    [0, 'abc'],
    [1, 'abc'],
    [1, chalk.red('abc')],
    [1, chalk.red('ab') + 'c'],
    [0, 'abc'],
  ] as const) {
    assert.deepEqual(paintWith(RowCachedOutput, frame(x, text)), paintWith(InkOutput, frame(x, text)));
  }
  // Past the right edge the width decides how many blanks come before the text.
  for (const width of [3, 10, 3]) {
    const wide: Frame = { width, height: 1, ops: [{ type: 'write', x: 5, y: 0, text: 'z', transformers: [] }] };
    assert.deepEqual(paintWith(RowCachedOutput, wide), paintWith(InkOutput, wide), `width ${width}`);
  }
});

// The bundle (what users run; `npm test` builds it) against the compiled modules with stock Ink.
test('the UI bundle draws the dashboard byte for byte as stock Ink does', async () => {
  const bundled = (await import(UI_BUNDLE_URL.href)) as UiModule;
  const modules = (await import('../../source/interactive/ui-mounts.js')) as UiModule;
  const events = dashboardEvents();
  const withBundle = await framesOf(bundled, events);
  const withModules = await framesOf(modules, events);
  assert.ok(withModules.length >= 5, `${withModules.length} frames`);
  // eslint-disable-next-line no-control-regex -- SGR escape sequences
  assert.match(withModules.join(''), /\u001b\[3\d(;\d+)*m/, 'frames carry colour');
  assert.deepEqual(withBundle, withModules);
});

function dashboardEvents(): MirrorEvent[][] {
  const steps: MirrorEvent[][] = [runStarted(12, 8)];
  for (let i = 0; i < 4; i++) {
    const id = `img-${String(i).padStart(3, '0')}`;
    steps.push([
      at(T0 + 100 * i, { type: 'image.started', imageId: id }),
      at(T0 + 100 * i, {
        type: 'image.blobs',
        imageId: id,
        manifests: 1,
        blobs: Array.from({ length: 4 }, (_, k) => ({
          digest: digest(i * 10 + k),
          size: 32 * MiB,
          mediaType: 'layer',
        })),
      }),
    ]);
  }
  for (let tick = 1; tick <= 6; tick++) {
    const step: MirrorEvent[] = [];
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 4; k++) {
        step.push(
          at(T0 + 500 + 250 * tick, {
            type: 'blob.progress',
            imageId: `img-${String(i).padStart(3, '0')}`,
            digest: digest(i * 10 + k),
            bytes: Math.min(32, tick * (k + 2)) * MiB,
            size: 32 * MiB,
          }),
        );
      }
    }
    steps.push(step);
  }
  steps.push([
    at(T0 + 3000, { type: 'blob.done', imageId: 'img-000', digest: digest(0), size: 32 * MiB, outcome: 'copied' }),
    at(T0 + 3000, { type: 'blob.failed', imageId: 'img-001', digest: digest(11), error: 'digest mismatch' }),
    at(T0 + 3100, {
      type: 'image.failed',
      imageId: 'img-001',
      error: 'blob sha256:… digest mismatch',
      code: 'DIGEST_MISMATCH',
    }),
  ]);
  return steps;
}

/**
 * Waits until Ink has drawn what the last flush asked for: the frame count stays the same over a few turns of the
 * event loop. A single turn was enough on an idle machine but not under load (React schedules the render as a
 * task of its own), which made the two runs differ by a frame.
 */
async function settled(stdout: { readonly frames: readonly string[] }): Promise<void> {
  let quiet = 0;
  let count = stdout.frames.length;
  for (let turn = 0; turn < 200 && quiet < 5; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (stdout.frames.length === count) quiet++;
    else {
      count = stdout.frames.length;
      quiet = 0;
    }
  }
}

async function framesOf(ui: UiModule, steps: MirrorEvent[][]): Promise<string[]> {
  let now = T0;
  const store = ui.createDashboardStore({ now: () => now });
  const stdout = new FakeStdout(120, 40);
  const instance = ui.mountDashboard(
    { store, onCancel: () => undefined, onForceQuit: () => undefined },
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new FakeStdout(120, 40) as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      debug: true, // every frame written whole, no throttling: frames comparable one by one
    },
  );
  for (const step of steps) {
    for (const event of step) store.dispatch(event);
    now = step[step.length - 1].at;
    store.flush(now);
    await settled(stdout);
  }
  instance.unmount();
  // The spinner follows the store's real-time interval, which need not tick alike in two runs: its glyph is masked,
  // and the identical frames its ticks redraw are counted once.
  const frames = stdout.frames.map((frame) => frame.replace(/[\u2800-\u28ff]/g, '*'));
  return frames.filter((frame, i) => i === 0 || frame !== frames[i - 1]);
}
