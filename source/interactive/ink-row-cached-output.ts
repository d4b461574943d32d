/**
 * The screen buffer Ink paints every frame into, as a drop-in for Ink 6.8's own `build/output.js`:
 * `scripts/bundle-ui.mjs` swaps it in when it builds the UI bundle. Same operations, same resulting
 * string, byte for byte (test/components/ink-row-cached-output.test.ts runs both over random and real
 * dashboard frames) — but a row whose writes equal those of a recent frame is not built again.
 *
 * Why: Ink builds every row of every frame from one object per terminal cell, tokenising each line's
 * escape codes and diffing styles cell by cell. On the dashboard that was most of the UI's CPU (profiles
 * in bench/DASHBOARD.md), while most rows — headings, queued and finished images, panels, hints — are the
 * same as one frame earlier. A row's text depends only on the frame width and on the (column, text)
 * pairs written into it, in order, so that list is the cache key.
 *
 * The clipping and placement rules below are Ink's, including its quirks (a write whose first row is
 * outside the buffer draws nothing; a wide character clears the cells it covers), because the point is
 * to produce exactly what Ink would.
 */
import { styledCharsFromTokens, styledCharsToString, tokenize, type StyledChar } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';

type Transformer = (line: string, index: number) => string;

interface Clip {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}

type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** A row is at most a few hundred characters; two generations of this many rows stay well under 1 MB. */
const ROWS_PER_GENERATION = 512;
const WIDTHS_LIMIT = 4096;

/** Rows built recently, by key: the current generation and the one before (a cheap approximation of LRU). */
let currentRows = new Map<string, string>();
let previousRows = new Map<string, string>();
const widths = new Map<string, number>();

const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: [] };

export default class Output {
  readonly width: number;
  readonly height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    // Each row collects what is written into it: column, text, column, text…
    const rows: Array<Array<number | string>> = [];
    for (let y = 0; y < this.height; y++) rows.push([]);
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      else if (operation.type === 'unclip') clips.pop();
      else placeWrite(operation, clips.at(-1), rows);
    }
    const lines: string[] = [];
    for (const fragments of rows) lines.push(rowText(this.width, fragments));
    return { output: lines.join('\n'), height: rows.length };
  }
}

function placeWrite(
  operation: Extract<Operation, { type: 'write' }>,
  clip: Clip | undefined,
  rows: Array<Array<number | string>>,
): void {
  const { text, transformers } = operation;
  let { x, y } = operation;
  let lines = text.split('\n');
  if (clip) {
    const horizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
    const vertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
    const x1 = clip.x1 as number;
    const x2 = clip.x2 as number;
    const y1 = clip.y1 as number;
    const y2 = clip.y2 as number;
    if (horizontally) {
      const widest = widestLine(text);
      if (x + widest < x1 || x > x2) return;
    }
    if (vertically && (y + lines.length < y1 || y > y2)) return;
    if (horizontally) {
      const from = x < x1 ? x1 - x : 0;
      lines = lines.map((line) => {
        const lineWidth = stringWidth(line);
        return sliceAnsi(line, from, x + lineWidth > x2 ? x2 - x : lineWidth);
      });
      if (x < x1) x = x1;
    }
    if (vertically) {
      const from = y < y1 ? y1 - y : 0;
      const to = y + lines.length > y2 ? y2 - y : lines.length;
      lines = lines.slice(from, to);
      if (y < y1) y = y1;
    }
  }
  let offsetY = 0;
  for (let index = 0; index < lines.length; index++) {
    // As in Ink: a missing row (outside the buffer) is skipped without moving on, so nothing after it draws.
    const row = rows[y + offsetY];
    if (!row) continue;
    let line = lines[index];
    for (const transformer of transformers) line = transformer(line, index);
    row.push(x, line);
    offsetY++;
  }
}

function widestLine(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, stringWidth(line));
  return widest;
}

function rowText(width: number, fragments: Array<number | string>): string {
  if (fragments.length === 0) return '';
  // Lengths make the key unambiguous whatever the text contains.
  let key = `${width}`;
  for (let i = 0; i < fragments.length; i += 2) {
    const line = fragments[i + 1] as string;
    key += `|${fragments[i]}:${line.length}:${line}`;
  }
  let text = currentRows.get(key);
  if (text !== undefined) return text;
  text = previousRows.get(key) ?? buildRow(width, fragments);
  if (currentRows.size >= ROWS_PER_GENERATION) {
    previousRows = currentRows;
    currentRows = new Map();
  }
  currentRows.set(key, text);
  return text;
}

/** What Ink does for one row: a line of blank cells, each write's characters placed from its column. */
function buildRow(width: number, fragments: Array<number | string>): string {
  // A loop, as Ink's: a fractional width (which Array(n) would refuse) gives the same cells.
  const cells: Array<StyledChar | undefined> = [];
  for (let x = 0; x < width; x++) cells.push(BLANK);
  for (let i = 0; i < fragments.length; i += 2) {
    let column = fragments[i] as number;
    for (const character of styledCharsFromTokens(tokenize(fragments[i + 1] as string))) {
      cells[column] = character;
      const characterWidth = Math.max(1, charWidth(character.value));
      for (let cover = 1; cover < characterWidth; cover++) {
        cells[column + cover] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      }
      column += characterWidth;
    }
  }
  return styledCharsToString(cells.filter((cell): cell is StyledChar => cell !== undefined)).trimEnd();
}

function charWidth(value: string): number {
  let width = widths.get(value);
  if (width === undefined) {
    if (widths.size >= WIDTHS_LIMIT) widths.clear();
    width = stringWidth(value);
    widths.set(value, width);
  }
  return width;
}

/** Forgets every cached row (tests use it to compare cold and warm frames). */
export function clearRowCache(): void {
  currentRows = new Map();
  previousRows = new Map();
}
