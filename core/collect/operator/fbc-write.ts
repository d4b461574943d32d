/**
 * Writes a File-Based Catalog in the layout of operator-registry's `declcfg.WriteFS` with `WriteJSON`, which
 * oc-mirror uses for the filtered catalog it rebuilds (collectors.md §2.10):
 *
 *   <dir>/<package>/catalog.json   the package's olm.package, its channels by name, its bundles by name, its
 *                                  other objects by schema (stable), then its olm.deprecations
 *   <dir>/catalog.json             objects of other schemas that belong to no package (only when there are any)
 *
 * Each object is indented with 4 spaces and followed by a newline, as Go's json.Encoder writes it. Objects keep
 * the fields (and field order) they were read with, so the output is the catalog's own data, not a re-typed copy.
 * Every file is written to a temporary name and renamed, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OcmError } from '../../errors.js';
import type { DeclarativeConfig, FbcObject } from './fbc-model.js';
import { byCodeUnit } from '../../code-unit-order.js';

export const CATALOG_FILE = 'catalog.json';

/** Output is handed to the file system in pieces of about this size. */
const WRITE_BATCH_CHARS = 1 << 20;

interface PackageObjects {
  packages: FbcObject[];
  channels: FbcObject[];
  bundles: FbcObject[];
  others: FbcObject[];
  deprecations: FbcObject[];
}

export async function writeFbc(dir: string, cfg: DeclarativeConfig): Promise<void> {
  const { byPackage, rootOthers } = groupByPackage(cfg);
  await mkdir(dir, { recursive: true });
  const packages = [...byPackage].sort(([a], [b]) => byCodeUnit(a, b));
  for (const [name, objects] of packages) {
    const pkgDir = join(dir, name);
    await mkdir(pkgDir, { recursive: true });
    await writeObjects(join(pkgDir, CATALOG_FILE), inWriteOrder(objects));
  }
  if (rootOthers.length > 0) await writeObjects(join(dir, CATALOG_FILE), rootOthers);
}

function groupByPackage(cfg: DeclarativeConfig): { byPackage: Map<string, PackageObjects>; rootOthers: FbcObject[] } {
  const byPackage = new Map<string, PackageObjects>();
  const rootOthers: FbcObject[] = [];
  const add = (kind: keyof PackageObjects, pkg: string | undefined, o: FbcObject): void => {
    if (!pkg) {
      // WriteFS silently drops these; losing part of a catalog without a word is worse than failing.
      throw new OcmError('FBC_INVALID', `cannot write ${o.schema} ${JSON.stringify(o.name ?? '')}: it has no package`);
    }
    if (!isLocalName(pkg)) {
      throw new OcmError('FBC_INVALID', `cannot write package ${JSON.stringify(pkg)}: not usable as a directory name`);
    }
    let group = byPackage.get(pkg);
    if (!group) {
      group = { packages: [], channels: [], bundles: [], others: [], deprecations: [] };
      byPackage.set(pkg, group);
    }
    group[kind].push(o);
  };
  for (const p of cfg.packages) add('packages', p.name, p);
  for (const c of cfg.channels) add('channels', c.package, c);
  for (const b of cfg.bundles) add('bundles', b.package, b);
  for (const d of cfg.deprecations) add('deprecations', d.package, d);
  for (const o of cfg.others) {
    if (o.package) add('others', o.package, o);
    else rootOthers.push(o);
  }
  return { byPackage, rootOthers };
}

function inWriteOrder(g: PackageObjects): FbcObject[] {
  const byName = (a: FbcObject, b: FbcObject): number => byCodeUnit(a.name ?? '', b.name ?? '');
  return [
    ...g.packages,
    ...[...g.channels].sort(byName),
    ...[...g.bundles].sort(byName),
    ...[...g.others].sort((a, b) => byCodeUnit(a.schema, b.schema)),
    ...g.deprecations,
  ];
}

/** What Go's encoder writes for one object, indent 4 and HTML characters unescaped. */
function encodeObject(o: FbcObject): string {
  // The only difference left between JSON.stringify and Go's encoder (Go ≥ 1.22) for valid text: Go escapes the
  // two JavaScript line terminators.
  return `${JSON.stringify(o, null, 4).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}\n`;
}

async function writeObjects(file: string, objects: readonly FbcObject[]): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(tmp, 'w', 0o666);
  try {
    let batch: string[] = [];
    let size = 0;
    for (const o of objects) {
      const text = encodeObject(o);
      batch.push(text);
      size += text.length;
      if (size >= WRITE_BATCH_CHARS) {
        await handle.writeFile(batch.join(''));
        batch = [];
        size = 0;
      }
    }
    if (batch.length > 0) await handle.writeFile(batch.join(''));
    await handle.close();
    await rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Go's filepath.IsLocal for a single path element. */
function isLocalName(name: string): boolean {
  return name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}
