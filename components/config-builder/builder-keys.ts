/**
 * Keys of the config builder, split out of whatever chunk the terminal delivered. A burst (SSH type-ahead, a
 * paste, a test writing "abc\u001b[Bxyz") arrives as one chunk; Ink 6.8 hands text runs to `useInput` whole.
 * Here every chunk becomes a list of single keys, each dispatched to the reducer in order, so each key is
 * applied to the state the previous one produced — never to a snapshot taken at render time.
 */
export type BuilderKey =
  | {
      kind:
        | 'up'
        | 'down'
        | 'left'
        | 'right'
        | 'pageUp'
        | 'pageDown'
        | 'home'
        | 'end'
        | 'enter'
        | 'escape'
        | 'tab'
        | 'backTab'
        | 'backspace'
        | 'delete';
    }
  | { kind: 'char'; char: string }
  | { kind: 'ctrl'; char: string };

const SEQUENCES: Record<string, BuilderKey['kind']> = {
  '[A': 'up',
  '[B': 'down',
  '[C': 'right',
  '[D': 'left',
  OA: 'up',
  OB: 'down',
  OC: 'right',
  OD: 'left',
  '[5~': 'pageUp',
  '[6~': 'pageDown',
  '[H': 'home',
  OH: 'home',
  '[1~': 'home',
  '[7~': 'home',
  '[F': 'end',
  OF: 'end',
  '[4~': 'end',
  '[8~': 'end',
  '[3~': 'delete',
  '[Z': 'backTab',
};

const ESC = '\u001b';
const PASTE_MARKERS = new Set(['[200~', '[201~']);

/** Splits raw terminal input into keys (unknown escape sequences are dropped). */
export function splitKeys(data: string): BuilderKey[] {
  const keys: BuilderKey[] = [];
  let i = 0;
  while (i < data.length) {
    const ch = data[i];
    if (ch === ESC) {
      const next = data[i + 1];
      if (next === '[' || next === 'O') {
        // CSI: parameters/intermediates then a final byte in @-~; SS3: one final byte.
        let j = i + 2;
        if (next === '[') {
          while (j < data.length && /[0-9;?<=>[ -/]/.test(data[j])) j++;
        }
        const body = data.slice(i + 1, j + 1);
        i = j + 1;
        if (PASTE_MARKERS.has(body)) continue;
        const kind = SEQUENCES[body];
        if (kind) keys.push({ kind } as BuilderKey);
        continue;
      }
      keys.push({ kind: 'escape' });
      i += next === ESC ? 1 : 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      keys.push({ kind: 'enter' });
      // A CRLF pair is one Enter.
      i += ch === '\r' && data[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (ch === '\t') keys.push({ kind: 'tab' });
    else if (ch === '\u007f' || ch === '\b') keys.push({ kind: 'backspace' });
    else if (ch < ' ') keys.push({ kind: 'ctrl', char: String.fromCharCode(ch.charCodeAt(0) + 96) });
    else {
      const cp = data.codePointAt(i)!;
      const text = String.fromCodePoint(cp);
      keys.push({ kind: 'char', char: text });
      i += text.length;
      continue;
    }
    i++;
  }
  return keys;
}
