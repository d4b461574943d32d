/**
 * Keys as data: one table per screen feeds the `useInput` dispatch, the key-hint line and the `?` overlay,
 * so what the user reads is always what the code does.
 */
import type { Key } from 'ink';

/** The boolean flags of Ink's `Key` that name a special key. */
export type SpecialKey =
  | 'upArrow'
  | 'downArrow'
  | 'leftArrow'
  | 'rightArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'tab'
  | 'backspace'
  | 'delete';

/** One way to press a binding: a special key, or a printable input (with Ctrl when `ctrl`). */
export type KeySpec = { key: SpecialKey; ctrl?: boolean } | { input: string; ctrl?: boolean };

export interface KeyBinding<A extends string> {
  action: A;
  keys: readonly KeySpec[];
  /** Label with Unicode arrows, e.g. "↑/k". */
  label: string;
  /** Label for ASCII terminals, e.g. "Up/k". */
  asciiLabel: string;
  /** Long text for the help overlay. */
  description: string;
  /** Short text for the hint line; bindings without one appear only in the overlay. */
  hint?: string;
  /** Label for the hint line when one entry stands for a pair of bindings ("↑/↓ select"). */
  hintLabel?: { unicode: string; ascii: string };
}

function specMatches(spec: KeySpec, input: string, key: Key): boolean {
  const ctrl = spec.ctrl ?? false;
  if (ctrl !== key.ctrl) return false;
  if ('key' in spec) return key[spec.key];
  return input === spec.input;
}

/** The action bound to a key press, if any (first match wins). */
export function matchKey<A extends string>(bindings: readonly KeyBinding<A>[], input: string, key: Key): A | undefined {
  for (const binding of bindings) {
    if (binding.keys.some((spec) => specMatches(spec, input, key))) return binding.action;
  }
  return undefined;
}

/** "↑/↓ select  PgUp/PgDn page  f failed only  ? help", cut at whole entries to fit `width`. */
export function formatHints<A extends string>(
  bindings: readonly KeyBinding<A>[],
  width: number,
  unicode: boolean,
  only?: readonly A[],
): string {
  const parts: string[] = [];
  let used = 0;
  for (const binding of bindings) {
    if (!binding.hint) continue;
    if (only && !only.includes(binding.action)) continue;
    const label = binding.hintLabel
      ? unicode
        ? binding.hintLabel.unicode
        : binding.hintLabel.ascii
      : unicode
        ? binding.label
        : binding.asciiLabel;
    const part = `${label} ${binding.hint}`;
    const extra = (parts.length > 0 ? 2 : 0) + part.length;
    if (used + extra > width) break;
    parts.push(part);
    used += extra;
  }
  return parts.join('  ');
}

export type DashboardKeyAction =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'back'
  | 'toggleFailedOnly'
  | 'toggleErrors'
  | 'help'
  | 'cancel';

/** Bindings of the live dashboard (lazydocker / k9s conventions). */
export const DASHBOARD_KEYMAP: readonly KeyBinding<DashboardKeyAction>[] = [
  {
    action: 'up',
    keys: [{ key: 'upArrow' }, { input: 'k' }],
    label: '↑/k',
    asciiLabel: 'Up/k',
    description: 'select the previous image',
  },
  {
    action: 'down',
    keys: [{ key: 'downArrow' }, { input: 'j' }],
    label: '↓/j',
    asciiLabel: 'Down/j',
    description: 'select the next image (shows its layers)',
    hint: 'select',
    hintLabel: { unicode: '↑/↓', ascii: 'Up/Dn' },
  },
  {
    action: 'pageUp',
    keys: [{ key: 'pageUp' }],
    label: 'PgUp',
    asciiLabel: 'PgUp',
    description: 'one page up',
  },
  {
    action: 'pageDown',
    keys: [{ key: 'pageDown' }],
    label: 'PgDn',
    asciiLabel: 'PgDn',
    description: 'one page down',
    hint: 'page',
    hintLabel: { unicode: 'PgUp/PgDn', ascii: 'PgUp/PgDn' },
  },
  {
    action: 'home',
    keys: [{ key: 'home' }, { input: 'g' }],
    label: 'Home/g',
    asciiLabel: 'Home/g',
    description: 'first image',
  },
  {
    action: 'end',
    keys: [{ key: 'end' }, { input: 'G' }],
    label: 'End/G',
    asciiLabel: 'End/G',
    description: 'last image',
  },
  {
    action: 'back',
    keys: [{ key: 'escape' }],
    label: 'Esc',
    asciiLabel: 'Esc',
    description: 'close help / clear the selection',
  },
  {
    action: 'toggleFailedOnly',
    keys: [{ input: 'f' }],
    label: 'f',
    asciiLabel: 'f',
    description: 'show only failed images / show all',
    hint: 'failed only',
  },
  {
    action: 'toggleErrors',
    keys: [{ input: 'e' }],
    label: 'e',
    asciiLabel: 'e',
    description: 'show / hide the errors panel',
    hint: 'errors',
  },
  { action: 'help', keys: [{ input: '?' }], label: '?', asciiLabel: '?', description: 'this help', hint: 'help' },
  {
    action: 'cancel',
    keys: [{ input: 'c', ctrl: true }],
    label: 'Ctrl+C',
    asciiLabel: 'Ctrl+C',
    description: 'cancel gracefully; press again to force quit',
    hint: 'cancel',
  },
];

export type WizardKeyAction = 'up' | 'down' | 'left' | 'right' | 'toggle' | 'next' | 'enter' | 'back' | 'cancel';

/** Bindings of the setup wizard. Text fields own printable keys, so only special keys are bound here. */
export const WIZARD_KEYMAP: readonly KeyBinding<WizardKeyAction>[] = [
  { action: 'up', keys: [{ key: 'upArrow' }], label: '↑', asciiLabel: 'Up', description: 'previous item' },
  {
    action: 'down',
    keys: [{ key: 'downArrow' }],
    label: '↓',
    asciiLabel: 'Down',
    description: 'next item',
    hint: 'move',
    hintLabel: { unicode: '↑/↓', ascii: 'Up/Down' },
  },
  { action: 'next', keys: [{ key: 'tab' }], label: 'Tab', asciiLabel: 'Tab', description: 'next field' },
  {
    action: 'left',
    keys: [{ key: 'leftArrow' }, { input: '-' }],
    label: '←/-',
    asciiLabel: 'Left/-',
    description: 'decrease a number / switch a toggle',
  },
  {
    action: 'right',
    keys: [{ key: 'rightArrow' }, { input: '+' }],
    label: '→/+',
    asciiLabel: 'Right/+',
    description: 'increase a number / switch a toggle',
    hint: 'change',
    hintLabel: { unicode: '←/→', ascii: 'Left/Right' },
  },
  { action: 'toggle', keys: [{ input: ' ' }], label: 'Space', asciiLabel: 'Space', description: 'switch a toggle' },
  {
    action: 'enter',
    keys: [{ key: 'return' }],
    label: 'Enter',
    asciiLabel: 'Enter',
    description: 'continue',
    hint: 'continue',
  },
  { action: 'back', keys: [{ key: 'escape' }], label: 'Esc', asciiLabel: 'Esc', description: 'go back', hint: 'back' },
  {
    action: 'cancel',
    keys: [{ input: 'c', ctrl: true }],
    label: 'Ctrl+C',
    asciiLabel: 'Ctrl+C',
    description: 'leave the wizard',
    hint: 'quit',
  },
];
