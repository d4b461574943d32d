/**
 * One module decides colour and glyphs for every view. Components never name a raw colour: they ask for a
 * semantic tone, and every state is shown as glyph + word so meaning never depends on colour alone.
 *
 * NOTE: chalk (used by Ink) ignores NO_COLOR and computes its level at import time. This theme simply
 * passes no colour props when colour is off; the CLI should also translate NO_COLOR into FORCE_COLOR=0
 * before importing Ink so that Ink's own styling (the text fields' inverse cursor) stays plain too.
 */
import { createContext, useContext } from 'react';

/** Semantic colour tokens. */
export type Tone = 'ok' | 'error' | 'warn' | 'active' | 'muted' | 'accent' | 'info';

const TONE_COLORS: Record<Tone, string> = {
  ok: 'green',
  error: 'red',
  warn: 'yellow',
  active: 'cyan',
  muted: 'gray',
  accent: 'magenta',
  info: 'blue',
};

export interface Glyphs {
  done: string;
  failed: string;
  skipped: string;
  queued: string;
  retry: string;
  exists: string;
  mounted: string;
  warning: string;
  pointer: string;
  arrow: string;
  ellipsis: string;
  separator: string;
  barFull: string;
  barEmpty: string;
  up: string;
  down: string;
  /** Frames of the one shared spinner (advanced by the dashboard tick, never by a per-row timer). */
  spinner: readonly string[];
}

const UNICODE_GLYPHS: Glyphs = {
  done: '✓',
  failed: '✗',
  skipped: '↷',
  queued: '·',
  retry: '↻',
  exists: '≡',
  mounted: '⇄',
  warning: '!',
  pointer: '❯',
  arrow: '→',
  ellipsis: '…',
  separator: '·',
  barFull: '█',
  barEmpty: '░',
  up: '↑',
  down: '↓',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
};

/**
 * Every non-ASCII character the views print on their own (glyphs, spinner, key labels): each takes one
 * terminal column, so lines made of these and printable ASCII need no width measurement (see Line).
 */
export const NARROW_GLYPHS = [
  ...new Set([...Object.values(UNICODE_GLYPHS).flat().join(''), '←', '→', '↑', '↓', '–', '—']),
]
  .filter((c) => c > '\x7e')
  .join('');

const ASCII_GLYPHS: Glyphs = {
  done: '+',
  failed: 'x',
  skipped: '~',
  queued: '.',
  retry: 'r',
  exists: '=',
  mounted: 'm',
  warning: '!',
  pointer: '>',
  arrow: '->',
  ellipsis: '...',
  separator: '|',
  barFull: '#',
  barEmpty: '-',
  up: 'Up',
  down: 'Dn',
  spinner: ['-', '\\', '|', '/'],
};

export interface Theme {
  /** False when NO_COLOR (or FORCE_COLOR=0) asks for plain output. */
  readonly color: boolean;
  /** False when the locale is not UTF-8: every glyph has an ASCII fallback. */
  readonly unicode: boolean;
  readonly glyphs: Glyphs;
  /** The Ink colour for a semantic tone, or undefined when colour is off. */
  tone(token: Tone): string | undefined;
  /** Spinner frame for a shared tick counter. */
  spinner(tick: number): string;
}

type Env = Record<string, string | undefined>;

/**
 * Colour policy: FORCE_COLOR wins (`0`/`false` = off, anything else = on), then a non-empty NO_COLOR turns
 * colour off (https://no-color.org), else colour is on (chalk still drops it on a non-TTY stream).
 */
export function detectColor(env: Env = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return true;
}

/**
 * Unicode policy in the spirit of `is-unicode-supported`, stricter about the locale because bastion hosts
 * reached over SSH often run with `LANG=C`: the effective locale (LC_ALL, then LC_CTYPE, then LANG) must
 * name UTF-8, and the Linux kernel console (`TERM=linux`) never gets Unicode. `OCM_TUI_UNICODE=0|1`
 * overrides the detection.
 */
export function detectUnicode(env: Env = process.env): boolean {
  const override = env.OCM_TUI_UNICODE;
  if (override === '0' || override === '1') return override === '1';
  if (env.TERM === 'linux') return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** Builds a theme from explicit choices (tests, `--no-color`). */
export function createTheme(options: { color: boolean; unicode: boolean }): Theme {
  const glyphs = options.unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
  return {
    color: options.color,
    unicode: options.unicode,
    glyphs,
    tone: (token) => (options.color ? TONE_COLORS[token] : undefined),
    spinner: (tick) => glyphs.spinner[Math.abs(Math.trunc(tick)) % glyphs.spinner.length],
  };
}

/** The theme the environment asks for. */
export function themeFromEnv(env: Env = process.env): Theme {
  return createTheme({ color: detectColor(env), unicode: detectUnicode(env) });
}

/** Provided by the app roots; components read it with `useTheme()`. */
export const ThemeContext = createContext<Theme>(themeFromEnv());

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
