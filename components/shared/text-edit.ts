/**
 * Editing a one-line text field as a pure function of (value, cursor, key press), so a screen's reducer can
 * apply every key of a burst to the value the previous key produced. ←/→, Home/End move the cursor;
 * Backspace (and the DEL byte most terminals send for it, which Ink reports as `delete`) erases before it;
 * printable input is inserted at it. Everything else (↑/↓, Tab, Enter, Esc, Ctrl/Meta combinations) is not
 * an edit and is left to the screen.
 */
import type { Key } from 'ink';

export interface TextEdit {
  value: string;
  /** Offset in code points, 0..length. */
  cursor: number;
}

/** The cursor clamped into the value (undefined = at the end). */
export function cursorIn(value: string, cursor: number | undefined): number {
  const length = Array.from(value).length;
  return cursor === undefined ? length : Math.min(length, Math.max(0, cursor));
}

/** The field after the key press, or undefined when the key is not a text edit. */
export function editText(value: string, cursor: number | undefined, input: string, key: Key): TextEdit | undefined {
  const chars = Array.from(value);
  const at = cursorIn(value, cursor);
  if (key.leftArrow) return { value, cursor: Math.max(0, at - 1) };
  if (key.rightArrow) return { value, cursor: Math.min(chars.length, at + 1) };
  if (key.home) return { value, cursor: 0 };
  if (key.end) return { value, cursor: chars.length };
  if (key.backspace || key.delete) {
    if (at === 0) return { value, cursor: 0 };
    return { value: [...chars.slice(0, at - 1), ...chars.slice(at)].join(''), cursor: at - 1 };
  }
  if (key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.tab || key.return || key.escape) {
    return undefined;
  }
  if (key.ctrl || key.meta || input === '') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001F\u007F]/g, '');
  if (text === '') return undefined;
  const inserted = Array.from(text);
  return { value: [...chars.slice(0, at), ...inserted, ...chars.slice(at)].join(''), cursor: at + inserted.length };
}
