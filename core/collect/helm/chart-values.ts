/**
 * Helm's dependency processing and values coalescing (`chartutil.ProcessDependencies`, `CoalesceValues`), with
 * the only input oc-mirror ever gives it: the charts' default values (the ImageSetConfiguration has no field for
 * user values, helm-rendering.md §1).
 *
 * - Dependencies declared in Chart.yaml (requirements.yaml for v1) are matched to the charts under charts/ by
 *   name and version range; an `alias` renames a copy of the subchart; undeclared subcharts are always on.
 * - `tags` and then `condition` (comma-separated paths, the first boolean found wins) switch dependencies off;
 *   disabled ones are removed with their values' influence on conditions below them.
 * - `import-values` copy child values into the parent (child values lose against the parent's own).
 * - Coalescing: a parent's values under `<alias|name>` override the subchart's defaults, `null` deletes a key,
 *   maps merge, and the parent's `global` map is copied down into every subchart.
 *
 * The functions follow Helm's Go code closely (including its odd corners, e.g. a subchart's own values are
 * coalesced at the top level of the map its conditions are read from) so that the same subcharts are enabled.
 * Nothing here mutates its input chart: {@link processDependencies} works on a copy.
 */
import { parseVersion, parseVersionRange, rangeContains } from '../operator/masterminds-range.js';
import type { Chart, ChartDependency, Values } from './chart-loader.js';
import { setOwn } from './helm-yaml.js';

function isTable(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep copy of YAML-shaped data (maps, lists, scalars). */
export function copyValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyValues(v)) as T;
  if (isTable(value)) {
    const out: Values = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, copyValues(v));
    return out as T;
  }
  return value;
}

/** A copy of a chart tree that processing may change freely (files are shared: they are never modified). */
function cloneChart(chart: Chart): Chart {
  return {
    ...chart,
    metadata: {
      ...chart.metadata,
      dependencies: chart.metadata.dependencies?.map((d) => ({
        ...d,
        tags: [...d.tags],
        importValues: [...d.importValues],
      })),
    },
    values: copyValues(chart.values),
    dependencies: chart.dependencies.map(cloneChart),
  };
}

/** Helm's `IsCompatibleRange`: false when either the range or the version does not parse. */
export function isCompatibleRange(range: string, version: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  try {
    return rangeContains(parseVersionRange(range), v);
  } catch {
    return false;
  }
}

// --- Values lookups (chartutil.Values) -------------------------------------------------------------------------------

/** `Values.Table`: the map at a dotted path, or undefined. */
export function valuesTable(values: Values, path: string): Values | undefined {
  let table: Values = values;
  for (const part of path.split('.')) {
    const next = Object.hasOwn(table, part) ? table[part] : undefined;
    if (!isTable(next)) return undefined;
    table = next;
  }
  return table;
}

/** `Values.PathValue`: the non-map value at a dotted path, or undefined. */
function pathValue(values: Values, path: string): { value: unknown } | undefined {
  const parts = path.split('.');
  const key = parts.pop() as string;
  const table = parts.length === 0 ? values : valuesTable(values, parts.join('.'));
  if (!table || !Object.hasOwn(table, key) || isTable(table[key])) return undefined;
  return { value: table[key] };
}

// --- Coalescing (chartutil/coalesce.go) -----------------------------------------------------------------------------

/** `CoalesceValues(chart, values)`: `values` (copied) win over the chart's defaults, recursively into subcharts. */
export function coalesceValues(chart: Chart, values: Values): Values {
  return coalesce(chart, copyValues(values), false);
}

/** `MergeValues`: like coalescing, but `null` values are kept instead of deleting keys. */
export function mergeValues(chart: Chart, values: Values): Values {
  return coalesce(chart, copyValues(values), true);
}

function coalesce(chart: Chart, dest: Values, merge: boolean): Values {
  coalesceChartValues(chart, dest, merge);
  return coalesceDeps(chart, dest, merge);
}

function coalesceDeps(chart: Chart, dest: Values, merge: boolean): Values {
  for (const sub of chart.dependencies) {
    const name = sub.metadata.name;
    if (!Object.hasOwn(dest, name)) setOwn(dest, name, {});
    const current = dest[name];
    if (!isTable(current)) throw new Error(`type mismatch on ${name}: a value, not a map, is set for the subchart`);
    coalesceGlobals(current, dest);
    setOwn(dest, name, coalesce(sub, current, merge));
  }
  return dest;
}

/** Copies the parent's `global` into the subchart's (the parent wins, maps merged top-down). */
function coalesceGlobals(dest: Values, src: Values): void {
  const destGlobal = Object.hasOwn(dest, 'global') ? dest.global : {};
  const srcGlobal = Object.hasOwn(src, 'global') ? src.global : {};
  if (!isTable(destGlobal) || !isTable(srcGlobal)) return; // Helm warns and skips
  for (const [key, value] of Object.entries(srcGlobal)) {
    if (isTable(value)) {
      const copy: Values = { ...value };
      const existing = destGlobal[key];
      if (!Object.hasOwn(destGlobal, key)) setOwn(destGlobal, key, copy);
      else if (isTable(existing)) {
        coalesceTables(copy, existing, true);
        setOwn(destGlobal, key, copy);
      }
    } else if (!isTable(destGlobal[key])) {
      setOwn(destGlobal, key, value);
    }
  }
  setOwn(dest, 'global', destGlobal);
}

/** `coalesceValues`: the chart's own values.yaml under `v`, which wins. */
function coalesceChartValues(chart: Chart, v: Values, merge: boolean): void {
  const defaults = copyValues(chart.values);
  for (const [key, val] of Object.entries(defaults)) {
    if (!Object.hasOwn(v, key)) {
      setOwn(v, key, val);
      continue;
    }
    const value = v[key];
    if (value === null && !merge) {
      delete v[key];
    } else if (isTable(value) && isTable(val)) {
      const mergeChild = merge || chart.dependencies.some((d) => d.metadata.name === key);
      coalesceTables(value, val, mergeChild);
    }
  }
}

/** `coalesceTablesFullKey`: `src` under `dst`, which wins; `null` in `dst` deletes the key unless merging. */
export function coalesceTables(dst: Values, src: Values, merge: boolean): Values {
  for (const [key, val] of Object.entries(dst)) if (val === null) setOwn(src, key, null);
  for (const [key, val] of Object.entries(src)) {
    const present = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (present && !merge && dv === null) delete dst[key];
    else if (!present) setOwn(dst, key, val);
    else if (isTable(val) && isTable(dv)) coalesceTables(dv, val, merge);
  }
  return dst;
}

function trimNilValues(values: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null) continue;
    setOwn(out, k, isTable(v) ? trimNilValues(v) : v);
  }
  return out;
}

// --- Dependencies (chartutil/dependencies.go) ------------------------------------------------------------------------

function aliasDependency(charts: readonly Chart[], dep: ChartDependency): Chart | undefined {
  for (const c of charts) {
    if (c.metadata.name !== dep.name || !isCompatibleRange(dep.version, c.metadata.version)) continue;
    const copy = cloneChart(c);
    if (dep.alias !== '') copy.metadata.name = dep.alias;
    return copy;
  }
  return undefined;
}

function processTags(reqs: readonly ChartDependency[], values: Values): void {
  const tags = valuesTable(values, 'tags');
  if (!tags) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      const b = Object.hasOwn(tags, k) ? tags[k] : undefined;
      if (b === true) hasTrue = true;
      else if (b === false) hasFalse = true;
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else r.enabled = true;
  }
}

function processConditions(reqs: readonly ChartDependency[], values: Values, prefix: string): void {
  for (const r of reqs) {
    for (const condition of r.condition.trim().split(',')) {
      if (condition === '') continue;
      const found = pathValue(values, prefix + condition);
      if (found && typeof found.value === 'boolean') {
        r.enabled = found.value;
        break;
      }
    }
  }
}

function processEnabled(chart: Chart, values: Values, prefix: string): void {
  const reqs = chart.metadata.dependencies;
  if (!reqs) return;
  const kept: Chart[] = chart.dependencies.filter(
    (existing) =>
      !reqs.some(
        (req) => existing.metadata.name === req.name && isCompatibleRange(req.version, existing.metadata.version),
      ),
  );
  for (const req of reqs) {
    const dep = aliasDependency(chart.dependencies, req);
    if (dep) kept.push(dep);
    if (req.alias !== '') req.name = req.alias;
  }
  chart.dependencies = kept;
  for (const r of reqs) r.enabled = true;
  const cvals = coalesceValues(chart, values);
  processTags(reqs, cvals);
  processConditions(reqs, cvals, prefix);
  const removed = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const enabled = chart.dependencies.filter((d) => !removed.has(d.metadata.name));
  for (const sub of enabled) processEnabled(sub, cvals, `${prefix}${sub.metadata.name}.`);
  chart.metadata.dependencies = reqs.filter((r) => !removed.has(r.name));
  chart.dependencies = enabled;
}

/** Reads a string field of an `import-values` map entry. */
function importField(entry: Record<string, unknown>, key: string): string {
  const v = entry[key];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function processImportValues(chart: Chart): void {
  const reqs = chart.metadata.dependencies;
  if (!reqs) return;
  const cvals = coalesceValues(chart, {});
  let imported: Values = {};
  for (const r of reqs) {
    const normalised: unknown[] = [];
    for (const iv of r.importValues) {
      let child: string;
      let parent: string;
      if (isTable(iv)) {
        child = importField(iv, 'child');
        parent = importField(iv, 'parent');
      } else if (typeof iv === 'string') {
        child = `exports.${iv}`;
        parent = '.';
      } else continue;
      normalised.push({ child, parent });
      const table = valuesTable(cvals, `${r.name}.${child}`);
      if (!table) continue; // Helm logs "ImportValues missing table" and goes on
      imported = coalesceTables(imported, pathToMap(parent, copyValues(table)), false);
    }
    r.importValues = normalised;
  }
  chart.values = coalesceTables(trimNilValues(cvals), imported, false);
}

function pathToMap(path: string, data: Values): Values {
  if (path === '.') return data;
  return path
    .split('.')
    .reverse()
    .reduce<Values>((inner, key) => {
      const outer: Values = {};
      setOwn(outer, key, inner);
      return outer;
    }, data);
}

function processImportValuesTree(chart: Chart): void {
  for (const sub of chart.dependencies) processImportValuesTree(sub);
  processImportValues(chart);
}

/**
 * Helm's `ProcessDependencies(chart, {})` on a copy of `chart`: the returned tree holds only the enabled
 * subcharts (aliases applied to their names) and values with imports applied.
 */
export function processDependencies(chart: Chart): Chart {
  const copy = cloneChart(chart);
  processEnabled(copy, {}, '');
  processImportValuesTree(copy);
  return copy;
}
