import { Text } from 'ink';
import { cursorIn } from './text-edit.js';

export interface TextFieldProps {
  value: string;
  /** Code-point offset of the cursor; undefined = at the end. */
  cursor?: number;
  /** Shows the cursor (an inverse cell, as ink-text-input draws it). @default true */
  focus?: boolean;
}

/**
 * A one-line text field as a view only: the value with the cursor cell. Its keys are handled by the
 * screen's reducer (text-edit.ts), so a burst of keys is applied to the latest value, never a stale one.
 * The whole value is shown; Ink wraps it when it is wider than the room left.
 */
export function TextField({ value, cursor, focus = true }: TextFieldProps) {
  if (!focus) return <Text>{value}</Text>;
  const chars = Array.from(value);
  const at = cursorIn(value, cursor);
  return (
    <Text>
      {chars.slice(0, at).join('')}
      <Text inverse>{chars[at] ?? ' '}</Text>
      {chars.slice(at + 1).join('')}
    </Text>
  );
}
