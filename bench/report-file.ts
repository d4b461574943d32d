/**
 * Writes a benchmark report while keeping what people wrote under it: everything from the NOTES_MARKER line
 * on (findings, history, profiles) survives the next run, which replaces only the generated part above it.
 */
import { readFile, writeFile } from 'node:fs/promises';

export const NOTES_MARKER =
  '<!-- Notes below this line are written by hand and kept when the benchmark rewrites the file. -->';

export async function writeReport(path: string, generated: string): Promise<void> {
  const previous = await readFile(path, 'utf8').catch(() => '');
  const at = previous.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? previous.slice(at) : `${NOTES_MARKER}\n`;
  await writeFile(path, `${generated.trimEnd()}\n\n${notes}`);
}
