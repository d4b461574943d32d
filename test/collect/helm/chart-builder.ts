/**
 * Builds small Helm charts for the tests, as a directory or a packaged `.tgz` (gzip'd tar with a top directory,
 * as `helm package` writes it), from a map of relative path → content.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

/** Chart files by path relative to the chart root; a Buffer for binary content (e.g. a nested `.tgz`). */
export type ChartTree = Record<string, string | Buffer>;

/** Writes `tree` under `dir` (created as needed); returns `dir`. */
export async function writeChartDir(dir: string, tree: ChartTree): Promise<string> {
  for (const [name, content] of Object.entries(tree)) {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

/** The bytes of a chart archive holding `tree` under the top directory `top`. */
export async function packChart(top: string, tree: ChartTree): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const [name, content] of Object.entries(tree)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: `${top}/${name}`, size: data.length, mode: 0o644 }, data, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/** Writes a packaged chart to `file`; returns `file`. */
export async function writeChartArchive(file: string, top: string, tree: ChartTree): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await packChart(top, tree));
  return file;
}
