/**
 * `working-dir/logs/mirroring_errors_<T>.txt` (§7.2): one line per failed image, written only when
 * something failed, so users (and scripts) can read the failures without scrolling the log.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors.js';
import type { PlannedImage } from '../image-types.js';

export function formatErrorReport(failures: { image: PlannedImage; error: unknown }[]): string {
  return failures
    .map(
      ({ image, error }) =>
        `error mirroring image ${image.origin} error: ${describeError(error).replace(/\n\s*/g, ' ')}\n`,
    )
    .join('');
}

export async function writeErrorReport(
  logsDir: string,
  stamp: string,
  failures: { image: PlannedImage; error: unknown }[],
): Promise<string | undefined> {
  if (failures.length === 0) return undefined;
  await mkdir(logsDir, { recursive: true });
  const path = join(logsDir, `mirroring_errors_${stamp}.txt`);
  await writeFile(path, formatErrorReport(failures));
  return path;
}
