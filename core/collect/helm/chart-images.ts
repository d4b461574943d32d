/**
 * The one entry point of the Helm image extraction: load a chart (`.tgz` or directory), render it with its
 * default values, and find its images the way oc-mirror does (collectors.md §3.3). The collector calls this once
 * per chart and reports a failure per chart without stopping the others, as oc-mirror does.
 *
 * Hook images (pre/post-install Jobs, `templates/tests/*` Pods) are never collected by oc-mirror; they are
 * always reported in `hookImages` and added to `images` only with `includeHooks`.
 */
import { HelmChartError, loadChart } from './chart-loader.js';
import { renderChart } from './chart-render.js';
import { FindImagesError, findImages } from './find-images.js';

export interface ChartImagesOptions {
  /** JSONPaths appended to the four defaults (ISC `imagePaths`), e.g. `{.spec.template.spec.containers[*].env[*].value}`. */
  imagePaths?: readonly string[];
  /**
   * Also collect the images of hook resources (an improvement over oc-mirror, which drops them).
   * @default false
   */
  includeHooks?: boolean;
  signal?: AbortSignal;
}

export interface ChartImages {
  /** Images to mirror: the release manifests' images, then (with `includeHooks`) the hook-only ones. */
  images: string[];
  /** Images found only in hook resources, whether or not they were added to `images`. */
  hookImages: string[];
  /** Path outputs that were not references with a tag or digest (oc-mirror skips them silently). */
  skipped: string[];
  /** Chart.yaml name and version of the chart. */
  chart: { name: string; version: string };
}

/** Loads, renders and scans one chart; every failure is a {@link HelmChartError} naming the chart. */
export async function chartImages(chartPath: string, opts: ChartImagesOptions = {}): Promise<ChartImages> {
  const chart = await loadChart(chartPath, { signal: opts.signal });
  const rendered = renderChart(chart, { signal: opts.signal });
  let found;
  try {
    found = findImages(rendered, opts.imagePaths ?? []);
  } catch (err) {
    const file = err instanceof FindImagesError ? err.file : undefined;
    throw new HelmChartError({ chart: chart.origin, file, message: (err as Error).message, cause: err });
  }
  return {
    images: opts.includeHooks ? [...found.images, ...found.hookImages] : found.images,
    hookImages: found.hookImages,
    skipped: found.skipped,
    chart: { name: rendered.chart.name, version: rendered.chart.version },
  };
}
