/**
 * `useInput` that is only armed when stdin supports raw mode (otherwise Ink throws "Raw mode is not
 * supported"), with a stable subscription: the latest handler is read from a ref so a re-render at the
 * frame rate never detaches and re-attaches the listener.
 *
 * The handler is called once per key press, also when several keys arrive in one chunk (typed ahead over a
 * laggy link, or pasted): see input-keys.ts. Handlers should dispatch to a reducer that maps the key against
 * the state it is applied to, never against a value captured at render time: the keys of one chunk are
 * handled before React renders again.
 */
import { useCallback, useRef } from 'react';
import { useInput, useStdin } from 'ink';
import type { Key } from 'ink';
import { splitKeyPresses } from './input-keys.js';

export type InputHandler = (input: string, key: Key) => void;

export function useGuardedInput(handler: InputHandler, options: { isActive?: boolean } = {}): void {
  const { isRawModeSupported } = useStdin();
  const ref = useRef(handler);
  ref.current = handler;
  const stable = useCallback<InputHandler>((input, key) => {
    for (const press of splitKeyPresses(input, key)) ref.current(press.input, press.key);
  }, []);
  useInput(stable, { isActive: isRawModeSupported && options.isActive !== false });
}
