/**
 * What the wizard needs from the core's config parser: which files in a directory are configs (by `kind`)
 * and what a config asks for, or its problems with line:column. Keeps the UI away from core internals.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, describeError } from '../../core/errors.js';
import { detectConfigKind, parseDeleteImageSetConfig, parseImageSetConfig } from '../../core/config/load-config.js';
import type { ImageSetSpec } from '../../core/config/image-set-config.js';
import type { ConfigFile, DescribeConfigResult } from '../../components/wizard/config-summary.js';

export async function listConfigFiles(dir: string): Promise<ConfigFile[]> {
  const out: ConfigFile[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    try {
      const kind = detectConfigKind(await readFile(join(dir, name), 'utf8'));
      if (kind) out.push({ path: name, kind });
    } catch {
      // unreadable files are simply not offered
    }
  }
  return out;
}

export async function describeConfigFile(path: string): Promise<DescribeConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ line: 0, column: 0, message: `cannot read ${path}: ${describeError(err)}` }] };
  }
  const kind = detectConfigKind(text);
  try {
    const spec: ImageSetSpec =
      kind === 'DeleteImageSetConfiguration'
        ? parseDeleteImageSetConfig(text, path).config.delete
        : parseImageSetConfig(text, path).config.mirror;
    return {
      ok: true,
      summary: {
        kind: kind ?? 'ImageSetConfiguration',
        channels: (spec.platform?.channels ?? []).map((c) => c.name),
        releaseRanges: (spec.platform?.channels ?? []).map((c) => ({
          channel: c.name,
          minVersion: c.minVersion,
          maxVersion: c.maxVersion,
          full: c.full ?? false,
          shortestPath: c.shortestPath ?? false,
        })),
        release: spec.platform?.release,
        graph: spec.platform?.graph ?? false,
        catalogs: (spec.operators ?? []).map((o) => ({
          catalog: o.catalog,
          packages: (o.packages ?? []).map((p) => p.name),
          channels: Object.fromEntries(
            (o.packages ?? []).map((p) => [p.name, (p.channels ?? []).map((c) => c.name)] as const),
          ),
          full: o.full ?? false,
        })),
        additionalImages: (spec.additionalImages ?? []).map((i) => i.name),
        helmRepositories: (spec.helm?.repositories ?? []).map((r) => ({
          name: r.name,
          charts: r.charts?.map((c) => ({ name: c.name, version: c.version })),
        })),
        charts: [
          ...(spec.helm?.repositories ?? []).flatMap((r) => (r.charts ?? []).map((c) => c.name)),
          ...(spec.helm?.local ?? []).map((c) => c.name),
        ],
      },
    };
  } catch (err) {
    if (err instanceof ConfigError) {
      return { ok: false, problems: err.problems.map((p) => ({ line: p.line, column: p.column, message: p.message })) };
    }
    return { ok: false, problems: [{ line: 0, column: 0, message: describeError(err) }] };
  }
}
