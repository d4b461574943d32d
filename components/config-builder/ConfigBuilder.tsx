/**
 * "Create a new config": builds an ImageSetConfiguration from what the catalogs and the update graph really hold
 * (operators, releases, additional images, Helm repositories), previews the plan and saves a commented config
 * checked by the mirror's own loader. State lives in builderReducer; keys only dispatch (see use-key-stream).
 */
import { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, Text } from 'ink';
import type { CatalogModel } from '../../core/collect/operator/catalog-browser.js';
import type { UpdateGraph } from '../../core/collect/release/cincinnati-graph.js';
import type { ImageFootprint } from '../../core/collect/image-footprint.js';
import type { DryRunPlan } from '../../core/collect/dry-run-plan.js';
import { checkIscText, writeIsc } from '../../core/config/isc-writer.js';
import { liveAreaLines } from '../dashboard/layout.js';
import { truncateEnd } from '../shared/format.js';
import { ThemeContext, useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { builderReducer, initialBuilderState, pendingLoads } from './builder-state.js';
import type { BuilderAction, BuilderInit, BuilderState, ChartVersions } from './builder-state.js';
import { BuilderBody, screenHints } from './BuilderScreens.js';
import { useKeyStream } from './use-key-stream.js';

/** What the builder needs from the outside world (the CLI implements it over the core). */
export interface BuilderServices {
  /** Reads a catalog image's FBC into the browsing model; `onBytes` reports the catalog layers read so far. */
  loadCatalog(ref: string, onBytes?: (bytes: number, total: number) => void): Promise<CatalogModel>;
  /** The Cincinnati graph of a channel for an architecture. */
  fetchGraph(channel: string, arch: string): Promise<UpdateGraph>;
  /** Tags of an image repository (`host/path`), for picking. */
  listTags(repository: string): Promise<string[]>;
  /** Charts and versions (newest first) of a Helm repository index, for picking. */
  listCharts(url: string): Promise<ChartVersions[]>;
  /** The images a config selects, collected by the mirror's collectors in dry-run mode (nothing copied). */
  planImages(configText: string): Promise<DryRunPlan>;
  /** Bytes of an image at its source and how many of them the cache holds (manifests are read, no blobs). */
  imageFootprint(ref: string): Promise<ImageFootprint>;
  fileExists(path: string): Promise<boolean>;
  /** Writes the (already checked) text; relative paths are relative to the wizard's directory. */
  writeConfig(path: string, text: string): Promise<void>;
}

export interface ConfigBuilderProps extends BuilderInit {
  services: BuilderServices;
  /** The saved path (Enter after saving), or undefined (Esc on the first screen; `quit` for Ctrl+C). */
  onDone: (path: string | undefined, quit?: boolean) => void;
  /** "YYYY-MM-DD" written into the header comment. @default today */
  today?: string;
  theme?: Theme;
}

export function ConfigBuilder(props: ConfigBuilderProps) {
  const inherited = useTheme();
  return (
    <ThemeContext.Provider value={props.theme ?? inherited}>
      <BuilderRoot {...props} />
    </ThemeContext.Provider>
  );
}

const FOOTPRINT_CONCURRENCY = 4;
const PROGRESS_INTERVAL_MS = 200;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** The text that will be saved for the current draft. */
export function configText(state: BuilderState, today: string): string {
  return writeIsc(state.draft, { header: `ImageSetConfiguration written by the ocm-tui config builder on ${today}` });
}

function BuilderRoot({ services, onDone, today, openshiftVersion, savePath, draft }: ConfigBuilderProps) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useReducer(builderReducer, { openshiftVersion, savePath, draft }, initialBuilderState);
  const width = Math.max(20, columns);
  // Title, message and hint lines around the body.
  const bodyLines = Math.max(6, liveAreaLines(rows) - 3);
  const listRows = Math.max(1, bodyLines - 4);

  useKeyStream((key) => dispatch({ type: 'key', key }));

  useEffect(() => {
    dispatch({ type: 'layout', listRows });
  }, [listRows]);

  const inFlight = useRef(new Set<string>());
  // Effects that need the draft read it here (the latest state, not a render-time copy).
  const stateRef = useRef(state);
  stateRef.current = state;
  const day = today ?? new Date().toISOString().slice(0, 10);
  const pending = useMemo(
    () => pendingLoads(state),
    [state.catalogs, state.graphs, state.tagLists, state.chartLists, state.footprints, state.plan], // its inputs
  );
  useEffect(() => {
    /** Runs one load unless the same one is already running; its outcome becomes one action. */
    function start<T>(
      id: string,
      load: () => Promise<T>,
      loaded: (value: T) => BuilderAction,
      failed: (message: string) => BuilderAction,
    ) {
      if (inFlight.current.has(id)) return;
      inFlight.current.add(id);
      load()
        .then(
          (value) => dispatch(loaded(value)),
          (err: unknown) => dispatch(failed(errorMessage(err))),
        )
        .finally(() => inFlight.current.delete(id));
    }
    for (const ref of pending.catalogs) {
      // Progress at most every 200 ms: a catalog layer arrives in many small chunks.
      let last = 0;
      const onBytes = (bytes: number, total: number) => {
        const now = Date.now();
        if (now - last < PROGRESS_INTERVAL_MS && bytes < total) return;
        last = now;
        dispatch({ type: 'catalog.progress', ref, bytes, total });
      };
      start(
        `catalog:${ref}`,
        () => services.loadCatalog(ref, onBytes),
        (model) => ({ type: 'catalog.loaded', ref, model }),
        (message) => ({ type: 'catalog.failed', ref, message }),
      );
    }
    for (const key of pending.graphs) {
      const slash = key.indexOf('/');
      start(
        `graph:${key}`,
        () => services.fetchGraph(key.slice(slash + 1), key.slice(0, slash)),
        (graph) => ({ type: 'graph.loaded', key, graph }),
        (message) => ({ type: 'graph.failed', key, message }),
      );
    }
    const plan = pending.plan;
    if (plan !== undefined) {
      start(
        `plan:${plan}`,
        () => services.planImages(configText(stateRef.current, day)),
        (result) => ({ type: 'plan.loaded', draftKey: plan, plan: result }),
        (message) => ({ type: 'plan.failed', draftKey: plan, message }),
      );
    }
    // A few images at a time: each is one or more manifest requests to its registry.
    for (const ref of pending.footprints) {
      const id = `footprint:${ref}`;
      if (inFlight.current.has(id)) continue;
      if ([...inFlight.current].filter((x) => x.startsWith('footprint:')).length >= FOOTPRINT_CONCURRENCY) break;
      start(
        id,
        () => services.imageFootprint(ref),
        (footprint) => ({ type: 'footprint.loaded', ref, footprint }),
        (message) => ({ type: 'footprint.failed', ref, message }),
      );
    }
    for (const repository of pending.tags) {
      start(
        `tags:${repository}`,
        () => services.listTags(repository),
        (tags) => ({ type: 'tags.loaded', repository, tags }),
        (message) => ({ type: 'list.failed', kind: 'tags', source: repository, message }),
      );
    }
    for (const url of pending.charts) {
      start(
        `charts:${url}`,
        () => services.listCharts(url),
        (charts) => ({ type: 'charts.loaded', url, charts }),
        (message) => ({ type: 'list.failed', kind: 'charts', source: url, message }),
      );
    }
  }, [pending, services]);

  const save = state.save;
  useEffect(() => {
    if (save.status === 'checking') {
      services.fileExists(save.path).then(
        (exists) => dispatch({ type: 'save.checked', path: save.path, exists }),
        (err: unknown) => dispatch({ type: 'save.failed', message: errorMessage(err) }),
      );
    } else if (save.status === 'writing') {
      const text = configText(state, day);
      const check = checkIscText(text, save.path);
      if (!check.ok || check.warnings.length > 0) {
        const problems = check.ok ? check.warnings : check.problems;
        dispatch({ type: 'save.failed', message: `the config does not load cleanly: ${problems.join('; ')}` });
        return;
      }
      services.writeConfig(save.path, text).then(
        () => dispatch({ type: 'save.written', path: save.path }),
        (err: unknown) => dispatch({ type: 'save.failed', message: errorMessage(err) }),
      );
    }
    // Only a change of the save status starts work; the draft cannot change while saving.
  }, [save]);

  const outcome = state.outcome;
  const reported = useRef(false);
  useEffect(() => {
    if (!outcome || reported.current) return;
    reported.current = true;
    onDone(outcome.type === 'saved' ? outcome.path : undefined, outcome.type === 'quit');
  }, [outcome, onDone]);

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate" bold color={theme.tone('accent')}>
        {truncateEnd(`ocm-tui config builder  ${titleOf(state, theme.unicode)}`, width - 1, theme.glyphs.ellipsis)}
      </Text>
      <BuilderBody state={state} width={width} lines={bodyLines} />
      {state.message ? (
        <Text wrap="truncate" color={theme.tone('warn')}>
          {truncateEnd(`${theme.glyphs.warning} ${state.message}`, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
      <Text wrap="truncate" color={theme.tone('muted')}>
        {truncateEnd(screenHints(state, theme.unicode), width - 1, theme.glyphs.ellipsis)}
      </Text>
    </Box>
  );
}

const TITLES: Record<BuilderState['screen'], string> = {
  home: '[Sections]',
  catalogs: 'Operators › [Catalog]',
  packages: 'Operators › [Packages]',
  package: 'Operators › Packages › [Package]',
  releases: '[Releases]',
  images: '[Additional images]',
  helm: '[Helm charts]',
  preview: '[Preview]',
  save: '[Save]',
};

function titleOf(state: BuilderState, unicode: boolean): string {
  return unicode ? TITLES[state.screen] : TITLES[state.screen].replace(/›/g, '>');
}
