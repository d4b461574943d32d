/**
 * Terminal size with the 80×24 defaults non-TTY streams need (their `columns`/`rows` are undefined), kept
 * current on 'resize'. Ink 6.8 has no `useWindowSize`, and in CI it does not listen to resize itself.
 */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export const DEFAULT_COLUMNS = 80;
export const DEFAULT_ROWS = 24;

interface SizedStream {
  columns?: number;
  rows?: number;
}

/** Reads the size of a stream, falling back to 80×24 for missing or zero values. */
export function readTerminalSize(stream: SizedStream | undefined): TerminalSize {
  const columns = stream?.columns && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
  const rows = stream?.rows && stream.rows > 0 ? stream.rows : DEFAULT_ROWS;
  return { columns, rows };
}

/** The current size of Ink's stdout; re-renders on 'resize'. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState<TerminalSize>(() => readTerminalSize(stdout));
  useEffect(() => {
    const update = (): void => {
      const next = readTerminalSize(stdout);
      setSize((previous) => (previous.columns === next.columns && previous.rows === next.rows ? previous : next));
    };
    update();
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout]);
  return size;
}
