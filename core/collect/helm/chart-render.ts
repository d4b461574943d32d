/**
 * Renders a chart as oc-mirror does (`getHelmTemplates`, helm-rendering.md §1): dependencies processed with the
 * default values only, Helm's engine semantics (non-strict: a missing key is empty and `<no value>` is removed;
 * `lookup` finds nothing; empty release name and namespace; Helm's default capabilities), `*.txt` outputs
 * (NOTES.txt) dropped, the raw files of every `crds/` directory first, then the manifests in install order, each
 * as `---\n# Source: <path>\n<content>\n`. Documents with a `helm.sh/hook` annotation are returned apart, in the
 * same form; oc-mirror discards them.
 *
 * NOTE: Helm also validates the values against values.schema.json before rendering; that check is not done here
 * (default values of a published chart pass their own schema; user values, which could fail it, do not exist).
 */
import { TemplateError, TypeMismatchError, type Defines, type Template } from '@promptctl/go-template-js';
import { HelmChartError, type Chart, type ChartFile, type Values } from './chart-loader.js';
import { coalesceValues, processDependencies, valuesTable } from './chart-values.js';
import { ManifestError, sortManifests, type Manifest } from './manifest-sort.js';
import { prepareTemplateSources, helmParseOrder, type PreparedSource } from './template-defines.js';
import { createTemplateEngine, NestedTemplateError, parseTemplate } from './template-engine.js';
import { helmFunctions } from './template-functions.js';
import { chartFullPath, chartObject, defaultCapabilities, emptyRelease, filesObject } from './template-objects.js';

/** The output of {@link renderChart}. */
export interface RenderedChart {
  readonly chart: { readonly name: string; readonly version: string };
  /** CRDs and release manifests: `---\n# Source: <path>\n<content>\n` per document. */
  readonly manifest: string;
  /** The hook documents (`helm.sh/hook`), same form; oc-mirror ignores these. */
  readonly hooks: string;
  /** Each rendered template's output, by template path (NOTES.txt included), for diagnostics. */
  readonly files: ReadonlyMap<string, string>;
}

export interface RenderOptions {
  signal?: AbortSignal;
}

/** One template file of the chart tree and the values it renders with. */
interface Renderable {
  readonly path: string;
  readonly text: string;
  readonly vals: Record<string, unknown>;
  readonly basePath: string;
}

/** Helm's `isTemplateValid`: a library chart contributes only its partials. */
function isTemplateValid(chart: Chart, name: string): boolean {
  if (chart.metadata.type !== 'library') return true;
  return name.slice(name.lastIndexOf('/') + 1).startsWith('_');
}

/** Helm's `recAllTpls`: the values each template file sees (`.Values` scoped to its chart). */
function collectTemplates(
  chart: Chart,
  parent: { vals: Record<string, unknown>; path?: string },
  out: Renderable[],
): Record<string, unknown> {
  const isRoot = parent.path === undefined;
  const subcharts: Record<string, unknown> = {};
  const parentValues = parent.vals.Values as Values;
  const next: Record<string, unknown> = {
    Chart: chartObject(chart.metadata, isRoot),
    Files: filesObject(chart.files),
    Release: parent.vals.Release,
    Capabilities: parent.vals.Capabilities,
    Values: isRoot ? parentValues : (valuesTable(parentValues, chart.metadata.name) ?? {}),
    Subcharts: subcharts,
  };
  const fullPath = chartFullPath(chart, parent.path);
  for (const dep of chart.dependencies) {
    subcharts[dep.metadata.name] = collectTemplates(dep, { vals: next, path: fullPath }, out);
  }
  for (const t of chart.templates) {
    if (!isTemplateValid(chart, t.name)) continue;
    out.push({
      path: `${fullPath}/${t.name}`,
      text: t.data.toString('utf8'),
      vals: next,
      basePath: `${fullPath}/templates`,
    });
  }
  return next;
}

/** `Chart.CRDObjects()`: `crds/*.{yaml,yml,json}` of the chart, then of its (enabled) subcharts. */
function crdObjects(chart: Chart): ChartFile[] {
  const own = chart.files.filter((f) => f.name.startsWith('crds/') && /\.(ya?ml|json)$/.test(f.name));
  return [...own, ...chart.dependencies.flatMap(crdObjects)];
}

function source(name: string, content: string): string {
  return `---\n# Source: ${name}\n${content}\n`;
}

/** Where an engine error happened and what it says, following include/tpl calls down to the failing line. */
interface Located {
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

function engineMessage(err: TemplateError): string {
  if (err instanceof TypeMismatchError) {
    return `error calling ${err.funcName}: argument ${err.argIndex}: expected ${err.expected}, got ${err.receivedSummary}`;
  }
  return err.message;
}

function locate(err: TemplateError | NestedTemplateError, sources: ReadonlyMap<string, PreparedSource>): Located {
  const at = (text: string | undefined, pos: { line: number; column: number }) => {
    const prepared = text === undefined ? undefined : sources.get(text);
    if (!prepared) return {};
    const column = pos.line === 1 ? pos.column - prepared.lineOneShift : pos.column;
    return { file: prepared.path, line: pos.line, column: column > 0 ? column : undefined };
  };
  if (err instanceof NestedTemplateError) {
    const inner = locate(err.inner, sources);
    const innerText =
      inner.file !== undefined ? `${inner.file}:${inner.line}${inner.column ? `:${inner.column}` : ''}: ` : '';
    const here = err.callSite ? at(err.callSite.source, err.callSite.pos) : {};
    return { ...here, message: `error calling ${err.call}: ${innerText}${inner.message}` };
  }
  return { ...at(err.source, err.pos), message: engineMessage(err) };
}

/**
 * Renders `chart` (loaded by chart-loader.ts) with its default values. Throws {@link HelmChartError} naming the
 * template file and line for a template error, and the file for a manifest Helm could not decode.
 */
export function renderChart(chart: Chart, options: RenderOptions = {}): RenderedChart {
  const { signal } = options;
  const origin = chart.origin;
  let processed: Chart;
  let values: Values;
  try {
    processed = processDependencies(chart);
    values = coalesceValues(processed, {});
  } catch (err) {
    throw new HelmChartError({ chart: origin, message: `error processing dependencies: ${(err as Error).message}` });
  }

  const top = { Values: values, Release: emptyRelease(), Capabilities: defaultCapabilities() };
  const renderables: Renderable[] = [];
  collectTemplates(processed, { vals: top }, renderables);

  // The template set: every file's defines and body, parsed in Helm's order into one chain.
  let defines: Defines | undefined;
  const prepared = prepareTemplateSources(renderables.map((r) => ({ path: r.path, text: r.text })));
  const sources = new Map<string, PreparedSource>(prepared.map((p) => [p.text, p]));
  const includeCache = new Map<string, Template<string>>();
  const tplCache = new Map<string, Template<string>>();
  const depth = new Map<string, number>();

  const nested = (call: string, run: () => string): string => {
    try {
      return run();
    } catch (err) {
      if (err instanceof TemplateError || err instanceof NestedTemplateError) throw new NestedTemplateError(call, err);
      throw err;
    }
  };
  const funcs = helmFunctions({
    include(name, data) {
      const count = (depth.get(name) ?? 0) + 1;
      if (count > 1000) throw new Error(`rendering template has a nested reference name: ${name}`);
      depth.set(name, count);
      try {
        return nested(`include ${JSON.stringify(name)}`, () => {
          let template = includeCache.get(name);
          if (!template) {
            template = engine.parse(`{{template ${JSON.stringify(name)} .}}`, defines);
            includeCache.set(name, template);
          }
          return template.evaluate(data).join('');
        });
      } finally {
        depth.set(name, count - 1);
      }
    },
    tpl(text, data) {
      return nested('tpl', () => {
        let template = tplCache.get(text);
        if (!template) {
          template = parseTemplate(engine, funcs, text, defines);
          tplCache.set(text, template);
        }
        return template.evaluate(data).join('').replaceAll('<no value>', '');
      });
    },
  });
  const engine = createTemplateEngine(funcs);

  // Every failure of a template becomes a HelmChartError for that chart; only cancellation passes through.
  const fail = (err: unknown, file: string): never => {
    if (err instanceof TemplateError || err instanceof NestedTemplateError) {
      const where = locate(err, sources);
      throw new HelmChartError({ chart: origin, file, ...where, cause: err });
    }
    if (signal?.aborted) throw err;
    throw new HelmChartError({ chart: origin, file, message: (err as Error).message ?? String(err), cause: err });
  };

  for (const p of prepared) {
    try {
      defines = parseTemplate(engine, funcs, p.text, defines).defines();
    } catch (err) {
      fail(err, p.path);
    }
  }

  const rendered = new Map<string, string>();
  for (const r of helmParseOrder(renderables)) {
    signal?.throwIfAborted();
    if (r.path.slice(r.path.lastIndexOf('/') + 1).startsWith('_')) continue;
    const vals = { ...r.vals, Template: { Name: r.path, BasePath: r.basePath } };
    try {
      let template = includeCache.get(r.path);
      if (!template) {
        template = engine.parse(`{{template ${JSON.stringify(r.path)} .}}`, defines);
        includeCache.set(r.path, template);
      }
      rendered.set(r.path, template.evaluate(vals).join('').replaceAll('<no value>', ''));
    } catch (err) {
      fail(err, r.path);
    }
  }

  const releaseFiles = new Map([...rendered].filter(([path]) => !path.endsWith('.txt')));
  let sorted: { manifests: Manifest[]; hooks: Manifest[] };
  try {
    sorted = sortManifests(releaseFiles);
  } catch (err) {
    if (err instanceof ManifestError) throw new HelmChartError({ chart: origin, file: err.file, message: err.message });
    throw err;
  }
  let manifest = '';
  for (const crd of crdObjects(processed)) manifest += source(crd.name, crd.data.toString('utf8'));
  for (const m of sorted.manifests) manifest += source(m.name, m.content);
  const hooks = sorted.hooks.map((m) => source(m.name, m.content)).join('');
  return {
    chart: { name: chart.metadata.name, version: chart.metadata.version },
    manifest,
    hooks,
    files: rendered,
  };
}
