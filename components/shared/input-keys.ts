/**
 * Splits what Ink hands `useInput` into single key presses.
 *
 * Ink 6.8 cuts a stdin chunk only at escape sequences: "/data/ws\u001b[Breg" arrives as three calls
 * ("/data/ws", ↓, "reg"), but a run without escapes (typed ahead over a laggy link, or pasted: "reg:5000\r",
 * "ab\u007f\u007fc") arrives as one string with the control characters inside and no key flag set. Handlers
 * that map keys to actions need each key on its own, in order, so every one is applied to the state the
 * previous one produced.
 */
import type { Key } from 'ink';

/** One key press: Ink's `(input, key)` pair. */
export interface KeyPress {
  input: string;
  key: Key;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** A key with the given flags set and the others false. */
export function keyOf(flags: Partial<Key> = {}): Key {
  return { ...NO_KEY, ...flags };
}

/** True when Ink reported a special key or a modifier (then `input` is one key, never a run of them). */
function isFlagged(key: Key): boolean {
  return (
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageDown ||
    key.pageUp ||
    key.home ||
    key.end ||
    key.return ||
    key.escape ||
    key.ctrl ||
    key.tab ||
    key.backspace ||
    key.delete ||
    key.meta
  );
}

/**
 * One character as Ink reports it when it arrives alone, except that a line feed is Enter (a pasted line
 * break, like the carriage return a terminal sends for Enter). Other control characters without a key
 * name are dropped.
 */
function pressOf(char: string): KeyPress | undefined {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\r' || char === '\n') return { input: '', key: keyOf({ return: true }) };
  if (char === '\t') return { input: '', key: keyOf({ tab: true }) };
  if (char === '\u007F') return { input: '', key: keyOf({ delete: true }) };
  if (char === '\b') return { input: '', key: keyOf({ backspace: true }) };
  if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: keyOf({ ctrl: true }) };
  if (code < 0x20) return undefined;
  return { input: char, key: keyOf({ shift: /^[A-Z]$/.test(char) }) };
}

/** The key presses in one `useInput` call: itself when it is one key, else one per character. */
export function splitKeyPresses(input: string, key: Key): KeyPress[] {
  const chars = Array.from(input);
  if (chars.length <= 1 || isFlagged(key)) return [{ input, key }];
  const presses: KeyPress[] = [];
  for (const char of chars) {
    const press = pressOf(char);
    if (press) presses.push(press);
  }
  return presses;
}
