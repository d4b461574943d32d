/**
 * `useInput` that is only armed when stdin supports raw mode (otherwise Ink throws "Raw mode is not
 * supported"), with a stable subscription: the latest handler is read from a ref so a re-render at the
 * frame rate never detaches and re-attaches the listener.
 */
import { useCallback, useRef } from 'react';
import { useInput, useStdin } from 'ink';
import type { Key } from 'ink';

export type InputHandler = (input: string, key: Key) => void;

export function useGuardedInput(handler: InputHandler, options: { isActive?: boolean } = {}): void {
  const { isRawModeSupported } = useStdin();
  const ref = useRef(handler);
  ref.current = handler;
  const stable = useCallback<InputHandler>((input, key) => ref.current(input, key), []);
  useInput(stable, { isActive: isRawModeSupported && options.isActive !== false });
}
