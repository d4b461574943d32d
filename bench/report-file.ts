/**
 * Writes a benchmark report while keeping what people wrote under it: everything from the NOTES_MARKER line
 * on (findings, history, profiles) survives the next run, which replaces only the generated part above it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';

export const NOTES_MARKER =
  '<!-- Notes below this line are written by hand and kept when the benchmark rewrites the file. -->';

export async function writeReport(path: string, generated: string): Promise<void> {
  const previous = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err; // an unreadable report is not overwritten without its notes
  });
  const at = previous.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? previous.slice(at) : `${NOTES_MARKER}\n`;
  // Through a temp file: a crash while writing leaves the previous report, notes and all.
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${generated.trimEnd()}\n\n${notes}`);
  await rename(tmp, path);
}
