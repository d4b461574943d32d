/**
 * Raw keys for the config builder: Ink's input events (escape sequences and text runs, as its input parser
 * split them) are split further into single keys ({@link splitKeys}) and handed to `onKey` one at a time.
 * `onKey` should only dispatch reducer actions; it is read from a ref, so the subscription never goes stale.
 */
import { useEffect, useRef } from 'react';
import { useInput, useStdin } from 'ink';
import { splitKeys, type BuilderKey } from './builder-keys.js';

export function useKeyStream(onKey: (key: BuilderKey) => void, isActive = true): void {
  const { isRawModeSupported, internal_eventEmitter: emitter } = useStdin();
  const active = isRawModeSupported && isActive;
  const ref = useRef(onKey);
  ref.current = onKey;
  // useInput only turns raw mode on and off here; the keys come from the raw events below.
  useInput(() => undefined, { isActive: active });
  useEffect(() => {
    if (!active || !emitter) return;
    const handle = (data: string): void => {
      for (const key of splitKeys(String(data))) ref.current(key);
    };
    emitter.on('input', handle);
    return () => {
      emitter.off('input', handle);
    };
  }, [active, emitter]);
}
