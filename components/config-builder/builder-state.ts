/**
 * The config builder as a pure reducer. Every key is one action applied to the latest state (the view never
 * reads state captured at render time), so a burst of keys in one chunk gives the same result as the keys
 * typed one by one. Side effects (loading a catalog, fetching a release graph, checking and writing the file)
 * are requested through state (`loading` entries, `save.status`) and performed by ConfigBuilder.tsx, which
 * reports back with actions.
 *
 * Screens: home (sections) → catalogs → packages (filtered, virtualised list) → package (channels, version
 * range); releases; additional images; Helm repositories; preview; save.
 */
import type { CatalogModel } from '../../core/collect/operator/catalog-browser.js';
import { filterPackages, keptBundles, packageVersions } from '../../core/collect/operator/catalog-browser.js';
import type { UpdateGraph } from '../../core/collect/release/cincinnati-graph.js';
import type { ImageFootprint } from '../../core/collect/image-footprint.js';
import type { DryRunPlan } from '../../core/collect/dry-run-plan.js';
import { previewPlan, type PlanPreview } from '../../core/collect/plan-preview.js';
import { channelVersions } from '../../core/collect/release/release-browser.js';
import { compareChannelNames } from '../../core/collect/release/release-listing.js';
import { OPENSHIFT_VERSIONS, redHatCatalogs } from '../../core/config/redhat-catalogs.js';
import { RELEASE_ARCHITECTURES, type IncludePackage } from '../../core/config/image-set-config.js';
import { emptyDraft, type IscDraft, type PackageDraft } from '../../core/config/isc-writer.js';
import type { BuilderKey } from './builder-keys.js';
import { scrollToShow } from '../shared/scroll-window.js';

export type Screen = 'home' | 'catalogs' | 'packages' | 'package' | 'releases' | 'images' | 'helm' | 'preview' | 'save';

export type Load<T> =
  | { status: 'loading'; bytes?: number; total?: number }
  | { status: 'ready'; value: T }
  | { status: 'failed'; message: string };

export const HOME_ROWS = ['operators', 'releases', 'images', 'helm', 'preview', 'save'] as const;
export type HomeRow = (typeof HOME_ROWS)[number];

export interface PackageEdit {
  name: string;
  channels: string[];
  minVersion?: string;
  maxVersion?: string;
  cursor: number;
}

/** Rows of the releases screen (after them: the channels already added). */
export const RELEASE_ROWS = ['channel', 'arch', 'min', 'max', 'shortestPath', 'full', 'graph', 'add'] as const;
export type ReleaseRow = (typeof RELEASE_ROWS)[number];

export interface ReleaseEdit {
  channel: string;
  arch: string;
  minVersion?: string;
  maxVersion?: string;
  shortestPath: boolean;
  full: boolean;
  cursor: number;
}

export const HELM_FIELDS = ['name', 'url', 'chart', 'version'] as const;
export type HelmField = (typeof HELM_FIELDS)[number];

/** A chart of a Helm repository index with its versions (newest first). */
export interface ChartVersions {
  name: string;
  versions: string[];
}

/** A list to pick from: an image repository's tags, or a Helm repository's chart versions. */
export interface Picker {
  kind: 'tags' | 'charts' | 'channels';
  /** Image repository (`host/path`), Helm repository URL, or release graph key (`arch/channel`). */
  source: string;
  cursor: number;
  top: number;
  filter: string;
}

export type SaveState =
  | { status: 'editing' }
  | { status: 'checking'; path: string }
  | { status: 'confirm'; path: string }
  | { status: 'writing'; path: string }
  | { status: 'saved'; path: string }
  | { status: 'failed'; message: string };

export interface BuilderState {
  screen: Screen;
  draft: IscDraft;
  homeCursor: number;
  /** Index into OPENSHIFT_VERSIONS (which Red Hat catalogs are offered). */
  versionIndex: number;
  catalogCursor: number;
  catalogInput: string;
  catalogs: Readonly<Record<string, Load<CatalogModel>>>;
  /** The catalog the packages screen browses. */
  openCatalog?: string;
  filter: string;
  /** Indexes into the open catalog's packages that match the filter, best first. */
  filtered: number[];
  pkgCursor: number;
  /** First visible row of the packages list (the list is virtualised: only `listRows` rows are drawn). */
  pkgTop: number;
  /** Rows available to lists (set by the view from the terminal height). */
  listRows: number;
  pkg?: PackageEdit;
  rel: ReleaseEdit;
  graphs: Readonly<Record<string, Load<UpdateGraph>>>;
  imageInput: string;
  imageCursor: number;
  /** Tag lists by image repository, chart lists by Helm repository URL. */
  tagLists: Readonly<Record<string, Load<string[]>>>;
  chartLists: Readonly<Record<string, Load<ChartVersions[]>>>;
  picker?: Picker;
  /** The dry run of the draft (the mirror's collectors), for the draft it was made for. */
  plan?: { draftKey: string; load: Load<DryRunPlan> };
  /** Sizes of the preview's images at their source and in the cache, by reference. */
  footprints: Readonly<Record<string, Load<ImageFootprint>>>;
  helm: Record<HelmField, string> & { cursor: number };
  savePath: string;
  save: SaveState;
  message?: string;
  /** `quit`: Ctrl+C, which leaves the wizard too; `cancel`: Esc on the first screen, back to the wizard. */
  outcome?: { type: 'saved'; path: string } | { type: 'cancel' } | { type: 'quit' };
}

export type BuilderAction =
  | { type: 'key'; key: BuilderKey }
  | { type: 'layout'; listRows: number }
  | { type: 'catalog.loaded'; ref: string; model: CatalogModel }
  | { type: 'catalog.failed'; ref: string; message: string }
  | { type: 'catalog.progress'; ref: string; bytes: number; total: number }
  | { type: 'graph.loaded'; key: string; graph: UpdateGraph }
  | { type: 'graph.failed'; key: string; message: string }
  | { type: 'plan.loaded'; draftKey: string; plan: DryRunPlan }
  | { type: 'plan.failed'; draftKey: string; message: string }
  | { type: 'footprint.loaded'; ref: string; footprint: ImageFootprint }
  | { type: 'footprint.failed'; ref: string; message: string }
  | { type: 'tags.loaded'; repository: string; tags: string[] }
  | { type: 'charts.loaded'; url: string; charts: ChartVersions[] }
  | { type: 'list.failed'; kind: 'tags' | 'charts'; source: string; message: string }
  | { type: 'save.checked'; path: string; exists: boolean }
  | { type: 'save.written'; path: string }
  | { type: 'save.failed'; message: string };

export interface BuilderInit {
  /** OpenShift minor version whose Red Hat catalogs and `stable-X.Y` channel are offered first. */
  openshiftVersion?: string;
  savePath?: string;
  draft?: IscDraft;
}

export function initialBuilderState(init: BuilderInit = {}): BuilderState {
  const found = OPENSHIFT_VERSIONS.indexOf(init.openshiftVersion ?? '');
  const versionIndex = found >= 0 ? found : OPENSHIFT_VERSIONS.length - 1;
  return {
    screen: 'home',
    draft: init.draft ?? emptyDraft(),
    homeCursor: 0,
    versionIndex,
    catalogCursor: 0,
    catalogInput: '',
    catalogs: {},
    filter: '',
    filtered: [],
    pkgCursor: 0,
    pkgTop: 0,
    listRows: 10,
    rel: {
      channel: `stable-${OPENSHIFT_VERSIONS[versionIndex]}`,
      arch: 'amd64',
      shortestPath: false,
      full: false,
      cursor: 0,
    },
    graphs: {},
    imageInput: '',
    imageCursor: 0,
    tagLists: {},
    chartLists: {},
    footprints: {},
    helm: { name: '', url: '', chart: '', version: '', cursor: 0 },
    savePath: init.savePath ?? 'imageset-config.yaml',
    save: { status: 'editing' },
  };
}

// --- Selectors (shared with the view) -----------------------------------------------------------------------

export function graphKey(channel: string, arch: string): string {
  return `${arch}/${channel}`;
}

/** Rows of the catalogs screen: catalogs in the draft, then the Red Hat ones for the version, then the input. */
export function catalogRows(state: BuilderState): { ref: string; inDraft: boolean }[] {
  const inDraft = state.draft.operators.map((c) => c.catalog);
  const known = redHatCatalogs(OPENSHIFT_VERSIONS[state.versionIndex]).filter((r) => !inDraft.includes(r));
  return [...inDraft.map((ref) => ({ ref, inDraft: true })), ...known.map((ref) => ({ ref, inDraft: false }))];
}

export function isOnCatalogInput(state: BuilderState): boolean {
  return state.catalogCursor >= catalogRows(state).length;
}

export function openModel(state: BuilderState): CatalogModel | undefined {
  const load = state.openCatalog ? state.catalogs[state.openCatalog] : undefined;
  return load?.status === 'ready' ? load.value : undefined;
}

export function draftPackage(state: BuilderState, catalog: string, name: string): PackageDraft | undefined {
  return state.draft.operators.find((c) => c.catalog === catalog)?.packages.find((p) => p.name === name);
}

/** The versions the package screen's min/max cycle through: of the chosen channels, else of the package. */
export function rangeVersions(state: BuilderState): string[] {
  const model = openModel(state);
  const pkg = model?.packages.find((p) => p.name === state.pkg?.name);
  if (!pkg || !state.pkg) return [];
  if (state.pkg.channels.length === 0) return packageVersions(pkg);
  const chosen = pkg.channels.filter((c) => state.pkg!.channels.includes(c.name));
  return packageVersions({ ...pkg, channels: chosen });
}

/** The `packages[]` entry a package edit stands for (default channel moved when it is not chosen). */
export function packageDraftOf(state: BuilderState, edit: PackageEdit): PackageDraft {
  const model = openModel(state);
  const pkg = model?.packages.find((p) => p.name === edit.name);
  const channels = pkg ? pkg.channels.map((c) => c.name).filter((c) => edit.channels.includes(c)) : edit.channels;
  const defaultChannel = channels.length > 0 && pkg && !channels.includes(pkg.defaultChannel) ? channels[0] : undefined;
  return {
    name: edit.name,
    channels,
    defaultChannel,
    minVersion: edit.minVersion,
    maxVersion: edit.maxVersion,
  };
}

/** The ISC `IncludePackage` of a package draft (what the filter reads). */
export function includePackageOf(draft: PackageDraft): IncludePackage {
  return {
    name: draft.name,
    defaultChannel: draft.defaultChannel,
    minVersion: draft.minVersion,
    maxVersion: draft.maxVersion,
    channels: draft.channels.length > 0 ? draft.channels.map((name) => ({ name })) : undefined,
  };
}

/** The versions the releases screen's min/max cycle through (once the graph is loaded). */
export function releaseVersions(state: BuilderState): string[] {
  const load = state.graphs[graphKey(state.rel.channel.trim(), state.rel.arch)];
  return load?.status === 'ready' ? channelVersions(load.value) : [];
}

/** The preview of the draft from what is loaded (catalog models, graphs). */
export function planOf(state: BuilderState): PlanPreview {
  return previewPlan(
    state.draft,
    (ref) => {
      const load = state.catalogs[ref];
      return load?.status === 'ready' ? load.value : undefined;
    },
    (channel, arch) => {
      const load = state.graphs[graphKey(channel, arch)];
      return load?.status === 'ready' ? load.value : undefined;
    },
  );
}

/** At most this many images are measured for one preview (manifests only, but one request or more each). */
export const MAX_MEASURED_IMAGES = 300;

/** The key a dry run is made for: the draft's content. */
export function draftKey(state: BuilderState): string {
  return JSON.stringify(state.draft);
}

/** The dry run of the current draft, if it is there (a plan of an older draft does not count). */
export function currentPlan(state: BuilderState): Load<DryRunPlan> | undefined {
  return state.plan?.draftKey === draftKey(state) ? state.plan.load : undefined;
}

/** Starts the dry run of the current draft unless it was made already (a failed one is retried). */
function requestPlan(state: BuilderState): BuilderState {
  const current = currentPlan(state);
  if (current && current.status !== 'failed') return state;
  return { ...state, plan: { draftKey: draftKey(state), load: { status: 'loading' } } };
}

/** Asks for the footprints of the preview's images not measured yet (the dry run's, else the draft's). */
function requestFootprints(state: BuilderState): BuilderState {
  const plan = currentPlan(state);
  const refs = [
    ...new Set(
      plan?.status === 'ready' ? plan.value.images.map((i) => i.source) : planOf(state).rows.flatMap((r) => r.refs),
    ),
  ];
  const footprints = { ...state.footprints };
  let added = 0;
  for (const ref of refs.slice(0, MAX_MEASURED_IMAGES)) {
    if (footprints[ref] && footprints[ref].status !== 'failed') continue;
    footprints[ref] = { status: 'loading' };
    added++;
  }
  return added === 0 ? state : { ...state, footprints };
}

/** The entries of the open picker after its filter (tags, or "chart version" pairs). */
export function pickerItems(state: BuilderState): { label: string; name: string; version?: string }[] {
  const picker = state.picker;
  if (!picker) return [];
  const filter = picker.filter.toLowerCase();
  let items: { label: string; name: string; version?: string }[] = [];
  if (picker.kind === 'tags') {
    const load = state.tagLists[picker.source];
    if (load?.status === 'ready') items = load.value.map((tag) => ({ label: tag, name: tag }));
  } else if (picker.kind === 'channels') {
    // Every channel the graph's releases name in their metadata (a stable-4.18 graph also names fast-4.18,
    // eus-4.18, stable-4.19…).
    const load = state.graphs[picker.source];
    if (load?.status === 'ready') {
      const names = [...new Set(load.value.nodes.flatMap((n) => n.channels))].sort(compareChannelNames);
      items = names.map((name) => ({ label: name, name }));
    }
  } else {
    const load = state.chartLists[picker.source];
    if (load?.status === 'ready') {
      items = load.value.flatMap((c) => c.versions.map((v) => ({ label: `${c.name} ${v}`, name: c.name, version: v })));
    }
  }
  return filter === '' ? items : items.filter((i) => i.label.toLowerCase().includes(filter));
}

/** The load behind the open picker. */
export function pickerLoad(state: BuilderState): Load<unknown> | undefined {
  const picker = state.picker;
  if (!picker) return undefined;
  if (picker.kind === 'channels') return state.graphs[picker.source];
  return picker.kind === 'tags' ? state.tagLists[picker.source] : state.chartLists[picker.source];
}

/** The image repository of a typed reference (`host/path`, tag and digest removed). */
export function repositoryOf(reference: string): { repository: string; tag: string } {
  const ref = reference.trim().replace(/^docker:\/\//, '');
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash
    ? { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) }
    : { repository: noDigest, tag: '' };
}

// --- Helpers ---------------------------------------------------------------------------------------------------

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Applies a text-editing key to `value`; undefined when the key is not an editing key. */
function editText(value: string, key: BuilderKey): string | undefined {
  if (key.kind === 'char') return value + key.char;
  if (key.kind === 'backspace') return [...value].slice(0, -1).join('');
  if (key.kind === 'ctrl' && key.char === 'u') return '';
  return undefined;
}

/** Cursor movement in a list of `count` rows; undefined when the key does not move. */
function moveCursor(cursor: number, count: number, key: BuilderKey, page: number): number | undefined {
  const last = Math.max(0, count - 1);
  switch (key.kind) {
    case 'up':
      return clamp(cursor - 1, 0, last);
    case 'down':
      return clamp(cursor + 1, 0, last);
    case 'pageUp':
      return clamp(cursor - page, 0, last);
    case 'pageDown':
      return clamp(cursor + page, 0, last);
    case 'home':
      return 0;
    case 'end':
      return last;
    default:
      return undefined;
  }
}

/** Cycles `current` through [none, ...versions] by `delta`. */
function cycleVersion(current: string | undefined, versions: readonly string[], delta: number): string | undefined {
  const options: (string | undefined)[] = [undefined, ...versions];
  const at = Math.max(0, options.indexOf(current));
  return options[(at + delta + options.length) % options.length];
}

function setPackage(draft: IscDraft, catalog: string, pkg: PackageDraft | undefined, name: string): IscDraft {
  const operators = draft.operators.map((c) => ({ ...c, packages: [...c.packages] }));
  let cat = operators.find((c) => c.catalog === catalog);
  if (!cat) {
    if (!pkg) return draft;
    cat = { catalog, packages: [] };
    operators.push(cat);
  }
  const at = cat.packages.findIndex((p) => p.name === name);
  if (pkg) {
    if (at >= 0) cat.packages[at] = pkg;
    else cat.packages.push(pkg);
  } else if (at >= 0) {
    cat.packages.splice(at, 1);
  }
  // A catalog whose last package was removed leaves the draft (an empty list would mean "every package").
  return { ...draft, operators: operators.filter((c) => c.packages.length > 0) };
}

function refilter(state: BuilderState, filter: string): BuilderState {
  const model = openModel(state);
  const filtered = model ? filterPackages(model.packages, filter) : [];
  return { ...state, filter, filtered, pkgCursor: 0, pkgTop: 0 };
}

function openCatalogScreen(state: BuilderState, ref: string): BuilderState {
  const trimmed = ref.trim();
  if (trimmed === '') return { ...state, message: 'type a catalog reference (registry/repository:tag), then Enter' };
  const catalogs = state.catalogs[trimmed]
    ? state.catalogs
    : { ...state.catalogs, [trimmed]: { status: 'loading' as const } };
  const next = { ...state, catalogs, openCatalog: trimmed, screen: 'packages' as const, message: undefined };
  return refilter(next, '');
}

function requestGraph(state: BuilderState): BuilderState {
  const channel = state.rel.channel.trim();
  if (channel === '') return { ...state, message: 'type a channel name (e.g. stable-4.18)' };
  const key = graphKey(channel, state.rel.arch);
  const existing = state.graphs[key];
  if (existing && existing.status !== 'failed') return state;
  return { ...state, graphs: { ...state.graphs, [key]: { status: 'loading' } }, message: undefined };
}

// --- Screens -------------------------------------------------------------------------------------------------

function onHomeKey(state: BuilderState, key: BuilderKey): BuilderState {
  const moved = moveCursor(state.homeCursor, HOME_ROWS.length, key, HOME_ROWS.length);
  if (moved !== undefined) return { ...state, homeCursor: moved, message: undefined };
  if (key.kind === 'escape') return { ...state, outcome: { type: 'cancel' } };
  if (key.kind !== 'enter') return state;
  const row = HOME_ROWS[state.homeCursor];
  switch (row) {
    case 'operators':
      return { ...state, screen: 'catalogs', message: undefined };
    case 'releases': {
      const next = { ...state, screen: 'releases' as const, message: undefined };
      return requestGraph(next);
    }
    case 'images':
      return { ...state, screen: 'images', message: undefined };
    case 'helm':
      return { ...state, screen: 'helm', message: undefined };
    case 'preview':
      return requestFootprints(requestPlan({ ...state, screen: 'preview', message: undefined }));
    case 'save':
      return { ...state, screen: 'save', save: { status: 'editing' }, message: undefined };
  }
}

function onCatalogsKey(state: BuilderState, key: BuilderKey): BuilderState {
  const rows = catalogRows(state);
  const onInput = isOnCatalogInput(state);
  if (onInput) {
    const edited = editText(state.catalogInput, key);
    if (edited !== undefined) return { ...state, catalogInput: edited, message: undefined };
  }
  const moved = moveCursor(state.catalogCursor, rows.length + 1, key, state.listRows);
  if (moved !== undefined) return { ...state, catalogCursor: moved, message: undefined };
  switch (key.kind) {
    case 'left':
    case 'right': {
      if (onInput) return state;
      const versionIndex = clamp(state.versionIndex + (key.kind === 'left' ? -1 : 1), 0, OPENSHIFT_VERSIONS.length - 1);
      return { ...state, versionIndex, message: undefined };
    }
    case 'enter':
      return openCatalogScreen(state, onInput ? state.catalogInput : rows[state.catalogCursor].ref);
    case 'delete': {
      const row = rows[state.catalogCursor];
      if (!row?.inDraft) return state;
      return {
        ...state,
        draft: { ...state.draft, operators: state.draft.operators.filter((c) => c.catalog !== row.ref) },
      };
    }
    case 'escape':
      return { ...state, screen: 'home', message: undefined };
    default:
      return state;
  }
}

function onPackagesKey(state: BuilderState, key: BuilderKey): BuilderState {
  const model = openModel(state);
  const load = state.openCatalog ? state.catalogs[state.openCatalog] : undefined;
  if (key.kind === 'escape') {
    if (state.filter !== '') return refilter(state, '');
    return { ...state, screen: 'catalogs', message: undefined };
  }
  if (!model) {
    if (key.kind === 'enter' && load?.status === 'failed' && state.openCatalog) {
      // Retry.
      return { ...state, catalogs: { ...state.catalogs, [state.openCatalog]: { status: 'loading' } } };
    }
    return state;
  }
  const count = state.filtered.length;
  const moved = moveCursor(state.pkgCursor, count, key, Math.max(1, state.listRows - 1));
  if (moved !== undefined) {
    return { ...state, pkgCursor: moved, pkgTop: scrollToShow(state.pkgTop, moved, state.listRows, count) };
  }
  const current = count > 0 ? model.packages[state.filtered[state.pkgCursor]] : undefined;
  if (key.kind === 'char' && key.char === ' ') {
    if (!current) return state;
    const ref = state.openCatalog!;
    const existing = draftPackage(state, ref, current.name);
    const draft = setPackage(
      state.draft,
      ref,
      existing ? undefined : { name: current.name, channels: [] },
      current.name,
    );
    return { ...state, draft, message: undefined };
  }
  const edited = editText(state.filter, key);
  if (edited !== undefined) return refilter(state, edited);
  if (key.kind === 'enter') {
    if (!current) return state;
    const existing = draftPackage(state, state.openCatalog!, current.name);
    return {
      ...state,
      screen: 'package',
      pkg: {
        name: current.name,
        channels: existing?.channels ?? [],
        minVersion: existing?.minVersion,
        maxVersion: existing?.maxVersion,
        cursor: 0,
      },
      message: undefined,
    };
  }
  return state;
}

function onPackageKey(state: BuilderState, key: BuilderKey): BuilderState {
  const edit = state.pkg;
  const model = openModel(state);
  const pkg = model?.packages.find((p) => p.name === edit?.name);
  if (!edit || !pkg) return { ...state, screen: 'packages' };
  const rows = pkg.channels.length + 2;
  const moved = moveCursor(edit.cursor, rows, key, state.listRows);
  if (moved !== undefined) return { ...state, pkg: { ...edit, cursor: moved } };
  const onChannel = edit.cursor < pkg.channels.length;
  const which = edit.cursor === pkg.channels.length ? 'minVersion' : 'maxVersion';
  switch (key.kind) {
    case 'char':
      if (key.char === ' ' && onChannel) {
        const name = pkg.channels[edit.cursor].name;
        const channels = edit.channels.includes(name)
          ? edit.channels.filter((c) => c !== name)
          : [...edit.channels, name];
        return { ...state, pkg: { ...edit, channels } };
      }
      if ((key.char === '+' || key.char === '-') && !onChannel) {
        const value = cycleVersion(edit[which], rangeVersions(state), key.char === '+' ? 1 : -1);
        return { ...state, pkg: { ...edit, [which]: value } };
      }
      if (key.char === 'x' && !onChannel) return { ...state, pkg: { ...edit, [which]: undefined } };
      return state;
    case 'left':
    case 'right': {
      if (onChannel) return state;
      const value = cycleVersion(edit[which], rangeVersions(state), key.kind === 'right' ? 1 : -1);
      return { ...state, pkg: { ...edit, [which]: value } };
    }
    case 'enter': {
      const chosen = packageDraftOf(state, edit);
      // A choice the mirror's filter rejects (e.g. a range that empties the default channel) is not kept.
      const kept = keptBundles(model!, includePackageOf(chosen));
      if (kept.error) return { ...state, message: `not kept: ${kept.error}` };
      const draft = setPackage(state.draft, state.openCatalog!, chosen, edit.name);
      return { ...state, draft, screen: 'packages', pkg: undefined, message: `${edit.name} added` };
    }
    case 'delete': {
      const draft = setPackage(state.draft, state.openCatalog!, undefined, edit.name);
      return { ...state, draft, screen: 'packages', pkg: undefined, message: `${edit.name} removed` };
    }
    case 'escape':
      return { ...state, screen: 'packages', pkg: undefined, message: undefined };
    default:
      return state;
  }
}

function onReleasesKey(state: BuilderState, key: BuilderKey): BuilderState {
  if (state.picker) return onPickerKey(state, key);
  if (key.kind === 'tab' && RELEASE_ROWS[state.rel.cursor] === 'channel') {
    // The channels named by the graph of the channel typed (fetched first if needed).
    const requested = requestGraph(state);
    const channel = state.rel.channel.trim();
    if (channel === '') return requested;
    const source = graphKey(channel, state.rel.arch);
    return { ...requested, picker: { kind: 'channels', source, cursor: 0, top: 0, filter: '' } };
  }
  const rel = state.rel;
  const added = state.draft.releases.channels;
  const rowCount = RELEASE_ROWS.length + added.length;
  const row: ReleaseRow | undefined = RELEASE_ROWS[rel.cursor];
  if (row === 'channel') {
    const edited = editText(rel.channel, key);
    if (edited !== undefined) {
      return { ...state, rel: { ...rel, channel: edited, minVersion: undefined, maxVersion: undefined } };
    }
  }
  const moved = moveCursor(rel.cursor, rowCount, key, state.listRows);
  if (moved !== undefined) {
    const next = { ...state, rel: { ...rel, cursor: moved }, message: undefined };
    // Leaving the channel name fetches its graph.
    return row === 'channel' && moved !== rel.cursor ? requestGraph(next) : next;
  }
  const toggle = (key.kind === 'char' && key.char === ' ') || key.kind === 'left' || key.kind === 'right';
  const delta = key.kind === 'left' || (key.kind === 'char' && key.char === '-') ? -1 : 1;
  const step = toggle || (key.kind === 'char' && (key.char === '+' || key.char === '-'));
  switch (row) {
    case 'arch':
      if (step) {
        const archs: readonly string[] = RELEASE_ARCHITECTURES;
        const arch = archs[(archs.indexOf(rel.arch) + delta + archs.length) % archs.length];
        return requestGraph({ ...state, rel: { ...rel, arch, minVersion: undefined, maxVersion: undefined } });
      }
      break;
    case 'min':
    case 'max':
      if (step) {
        const field = row === 'min' ? 'minVersion' : 'maxVersion';
        return { ...state, rel: { ...rel, [field]: cycleVersion(rel[field], releaseVersions(state), delta) } };
      }
      if (key.kind === 'char' && key.char === 'x') {
        return { ...state, rel: { ...rel, [row === 'min' ? 'minVersion' : 'maxVersion']: undefined } };
      }
      break;
    case 'shortestPath':
    case 'full':
      if (toggle) return { ...state, rel: { ...rel, [row]: !rel[row] } };
      break;
    case 'graph':
      if (toggle) {
        const releases = { ...state.draft.releases, graph: !state.draft.releases.graph };
        return { ...state, draft: { ...state.draft, releases } };
      }
      break;
    default:
      break;
  }
  if (key.kind === 'enter') {
    if (row === 'channel' || row === 'arch') {
      const next = requestGraph({ ...state, rel: { ...rel, cursor: RELEASE_ROWS.indexOf('min') } });
      return next;
    }
    if (row === undefined) return state;
    // Enter on any other row adds (or replaces) the channel being edited.
    const name = rel.channel.trim();
    if (name === '') return { ...state, message: 'type a channel name first' };
    const entry = {
      name,
      minVersion: rel.minVersion,
      maxVersion: rel.maxVersion,
      shortestPath: rel.shortestPath,
      full: rel.full,
    };
    const channels = [...added.filter((c) => c.name !== name), entry];
    // The first channel decides the architecture (amd64 is only the default); later ones add theirs.
    const architectures =
      added.length === 0
        ? [rel.arch]
        : state.draft.releases.architectures.includes(rel.arch)
          ? state.draft.releases.architectures
          : [...state.draft.releases.architectures, rel.arch];
    return {
      ...state,
      draft: { ...state.draft, releases: { ...state.draft.releases, channels, architectures } },
      message: `${name} added`,
    };
  }
  if (key.kind === 'delete' && row === undefined) {
    const at = rel.cursor - RELEASE_ROWS.length;
    const channels = added.filter((_, i) => i !== at);
    const architectures = channels.length === 0 ? ['amd64'] : state.draft.releases.architectures;
    return {
      ...state,
      draft: { ...state.draft, releases: { ...state.draft.releases, channels, architectures } },
      rel: { ...rel, cursor: Math.min(rel.cursor, RELEASE_ROWS.length + channels.length - 1) },
    };
  }
  if (key.kind === 'escape') return { ...state, screen: 'home', message: undefined };
  return state;
}

function addImage(state: BuilderState, ref: string): BuilderState {
  const images = state.draft.additionalImages;
  if (ref === '') return { ...state, message: 'type an image reference (registry/repository:tag or @sha256:...)' };
  if (!/[:@]/.test(ref.slice(ref.lastIndexOf('/') + 1)) && !ref.startsWith('oci://')) {
    return { ...state, message: `${ref}: add a tag (:tag) or a digest (@sha256:...), or Tab to pick a tag` };
  }
  if (images.includes(ref)) return { ...state, imageInput: '', message: `${ref} is already listed` };
  return {
    ...state,
    imageInput: '',
    draft: { ...state.draft, additionalImages: [...images, ref] },
    message: `${ref} added`,
  };
}

function onPickerKey(state: BuilderState, key: BuilderKey): BuilderState {
  const picker = state.picker!;
  const items = pickerItems(state);
  const rows = Math.max(1, state.listRows - 2);
  const moved = moveCursor(picker.cursor, items.length, key, rows);
  if (moved !== undefined) {
    return { ...state, picker: { ...picker, cursor: moved, top: scrollToShow(picker.top, moved, rows, items.length) } };
  }
  if (key.kind === 'escape') return { ...state, picker: undefined };
  if (key.kind === 'enter') {
    const load = pickerLoad(state);
    if (load?.status === 'failed') {
      const retry = { status: 'loading' as const };
      if (picker.kind === 'channels') return { ...state, graphs: { ...state.graphs, [picker.source]: retry } };
      return picker.kind === 'tags'
        ? { ...state, tagLists: { ...state.tagLists, [picker.source]: retry } }
        : { ...state, chartLists: { ...state.chartLists, [picker.source]: retry } };
    }
    const item = items[picker.cursor];
    if (!item) return state;
    if (picker.kind === 'tags') return addImage({ ...state, picker: undefined }, `${picker.source}:${item.name}`);
    if (picker.kind === 'channels') {
      const rel = { ...state.rel, channel: item.name, minVersion: undefined, maxVersion: undefined };
      return requestGraph({ ...state, picker: undefined, rel: { ...rel, cursor: RELEASE_ROWS.indexOf('min') } });
    }
    return {
      ...state,
      picker: undefined,
      helm: { ...state.helm, chart: item.name, version: item.version ?? '', cursor: HELM_FIELDS.indexOf('version') },
      message: 'Enter adds the chart',
    };
  }
  const edited = editText(picker.filter, key);
  if (edited !== undefined) return { ...state, picker: { ...picker, filter: edited, cursor: 0, top: 0 } };
  return state;
}

function onImagesKey(state: BuilderState, key: BuilderKey): BuilderState {
  if (state.picker) return onPickerKey(state, key);
  const images = state.draft.additionalImages;
  if (key.kind === 'tab' && state.imageCursor === 0) {
    const { repository, tag } = repositoryOf(state.imageInput);
    if (repository === '' || !repository.includes('/')) {
      return { ...state, message: 'type the repository (registry/path) first, then Tab lists its tags' };
    }
    const tagLists =
      state.tagLists[repository]?.status === 'ready'
        ? state.tagLists
        : { ...state.tagLists, [repository]: { status: 'loading' as const } };
    return {
      ...state,
      tagLists,
      picker: { kind: 'tags', source: repository, cursor: 0, top: 0, filter: tag },
      message: undefined,
    };
  }
  if (state.imageCursor === 0) {
    const edited = editText(state.imageInput, key);
    if (edited !== undefined) return { ...state, imageInput: edited, message: undefined };
  }
  const moved = moveCursor(state.imageCursor, images.length + 1, key, state.listRows);
  if (moved !== undefined) return { ...state, imageCursor: moved };
  if (key.kind === 'enter' && state.imageCursor === 0) return addImage(state, state.imageInput.trim());
  if (key.kind === 'delete' && state.imageCursor > 0) {
    const at = state.imageCursor - 1;
    return {
      ...state,
      draft: { ...state.draft, additionalImages: images.filter((_, i) => i !== at) },
      imageCursor: Math.min(state.imageCursor, images.length - 1),
    };
  }
  if (key.kind === 'escape') return { ...state, screen: 'home', message: undefined };
  return state;
}

function onHelmKey(state: BuilderState, key: BuilderKey): BuilderState {
  if (state.picker) return onPickerKey(state, key);
  const helm = state.helm;
  const repos = state.draft.helm;
  const field = HELM_FIELDS[helm.cursor];
  if (field) {
    const edited = editText(helm[field], key);
    if (edited !== undefined) return { ...state, helm: { ...helm, [field]: edited }, message: undefined };
  }
  const moved = moveCursor(helm.cursor, HELM_FIELDS.length + repos.length, key, state.listRows);
  if (moved !== undefined) return { ...state, helm: { ...helm, cursor: moved } };
  if (key.kind === 'tab') {
    let url = helm.url.trim();
    if (!/^https?:\/\//.test(url))
      return { ...state, message: 'type the repository URL first, then Tab lists its charts' };
    if (!url.endsWith('/')) url += '/';
    const chartLists =
      state.chartLists[url]?.status === 'ready'
        ? state.chartLists
        : { ...state.chartLists, [url]: { status: 'loading' as const } };
    return {
      ...state,
      helm: { ...helm, url },
      chartLists,
      picker: { kind: 'charts', source: url, cursor: 0, top: 0, filter: helm.chart.trim() },
      message: undefined,
    };
  }
  if (key.kind === 'enter' && field) {
    if (field !== 'version') return { ...state, helm: { ...helm, cursor: helm.cursor + 1 } };
    const name = helm.name.trim();
    let url = helm.url.trim();
    if (name === '' || !/^https?:\/\//.test(url)) {
      return { ...state, message: 'a Helm repository needs a name and an http(s):// URL' };
    }
    const chart = helm.chart.trim();
    // oc-mirror appends "index.yaml" to the URL as written: a missing "/" would fetch the wrong file.
    if (!url.endsWith('/')) url += '/';
    const existing = repos.find((r) => r.name === name);
    const charts = [
      ...(existing?.charts ?? []),
      ...(chart ? [{ name: chart, version: helm.version.trim() || undefined }] : []),
    ];
    const entry = { name, url, charts };
    return {
      ...state,
      draft: { ...state.draft, helm: [...repos.filter((r) => r.name !== name), entry] },
      helm: { ...helm, chart: '', version: '', cursor: HELM_FIELDS.indexOf('chart') },
      message: chart ? `${chart} added to ${name}` : `${name} added (every chart)`,
    };
  }
  if (key.kind === 'delete' && !field) {
    const at = helm.cursor - HELM_FIELDS.length;
    return {
      ...state,
      draft: { ...state.draft, helm: repos.filter((_, i) => i !== at) },
      helm: { ...helm, cursor: Math.min(helm.cursor, HELM_FIELDS.length + repos.length - 2) },
    };
  }
  if (key.kind === 'escape') return { ...state, screen: 'home', message: undefined };
  return state;
}

function onSaveKey(state: BuilderState, key: BuilderKey): BuilderState {
  const save = state.save;
  if (save.status === 'confirm') {
    if (key.kind === 'char' && (key.char === 'y' || key.char === 'Y')) {
      return { ...state, save: { status: 'writing', path: save.path } };
    }
    if ((key.kind === 'char' && (key.char === 'n' || key.char === 'N')) || key.kind === 'escape') {
      return { ...state, save: { status: 'editing' }, message: 'not overwritten: choose another path' };
    }
    return state;
  }
  if (save.status === 'saved') {
    if (key.kind === 'enter') return { ...state, outcome: { type: 'saved', path: save.path } };
    if (key.kind === 'escape') return { ...state, screen: 'home', save: { status: 'editing' } };
    return state;
  }
  if (save.status === 'checking' || save.status === 'writing') return state;
  const edited = editText(state.savePath, key);
  if (edited !== undefined) return { ...state, savePath: edited, save: { status: 'editing' }, message: undefined };
  if (key.kind === 'enter') {
    const path = state.savePath.trim();
    if (path === '') return { ...state, message: 'type the path to save to' };
    return { ...state, save: { status: 'checking', path }, message: undefined };
  }
  if (key.kind === 'escape') return { ...state, screen: 'home', save: { status: 'editing' }, message: undefined };
  return state;
}

function onKey(state: BuilderState, key: BuilderKey): BuilderState {
  if (key.kind === 'ctrl' && key.char === 'c') return { ...state, outcome: { type: 'quit' } };
  switch (state.screen) {
    case 'home':
      return onHomeKey(state, key);
    case 'catalogs':
      return onCatalogsKey(state, key);
    case 'packages':
      return onPackagesKey(state, key);
    case 'package':
      return onPackageKey(state, key);
    case 'releases':
      return onReleasesKey(state, key);
    case 'images':
      return onImagesKey(state, key);
    case 'helm':
      return onHelmKey(state, key);
    case 'preview':
      if (key.kind === 'escape') return { ...state, screen: 'home' };
      if (key.kind === 'enter') return { ...state, screen: 'save', save: { status: 'editing' } };
      return state;
    case 'save':
      return onSaveKey(state, key);
  }
}

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  if (state.outcome) return state;
  switch (action.type) {
    case 'key':
      return onKey(state, action.key);
    case 'layout': {
      const listRows = Math.max(1, action.listRows);
      if (listRows === state.listRows) return state;
      return {
        ...state,
        listRows,
        pkgTop: scrollToShow(state.pkgTop, state.pkgCursor, listRows, state.filtered.length),
      };
    }
    case 'catalog.loaded': {
      const next = {
        ...state,
        catalogs: { ...state.catalogs, [action.ref]: { status: 'ready' as const, value: action.model } },
      };
      return next.openCatalog === action.ref ? { ...refilter(next, state.filter), pkgCursor: 0 } : next;
    }
    case 'catalog.progress': {
      if (state.catalogs[action.ref]?.status !== 'loading') return state;
      const progress = { status: 'loading' as const, bytes: action.bytes, total: action.total };
      return { ...state, catalogs: { ...state.catalogs, [action.ref]: progress } };
    }
    case 'catalog.failed':
      return {
        ...state,
        catalogs: { ...state.catalogs, [action.ref]: { status: 'failed', message: action.message } },
      };
    case 'graph.loaded':
      return { ...state, graphs: { ...state.graphs, [action.key]: { status: 'ready', value: action.graph } } };
    case 'plan.loaded':
    case 'plan.failed': {
      if (state.plan?.draftKey !== action.draftKey) return state;
      const load: Load<DryRunPlan> =
        action.type === 'plan.loaded'
          ? { status: 'ready', value: action.plan }
          : { status: 'failed', message: action.message };
      const next = { ...state, plan: { draftKey: action.draftKey, load } };
      return action.type === 'plan.loaded' ? requestFootprints(next) : next;
    }
    case 'footprint.loaded':
      return {
        ...state,
        footprints: { ...state.footprints, [action.ref]: { status: 'ready', value: action.footprint } },
      };
    case 'footprint.failed':
      return {
        ...state,
        footprints: { ...state.footprints, [action.ref]: { status: 'failed', message: action.message } },
      };
    case 'tags.loaded':
      return {
        ...state,
        tagLists: { ...state.tagLists, [action.repository]: { status: 'ready', value: action.tags } },
      };
    case 'charts.loaded':
      return { ...state, chartLists: { ...state.chartLists, [action.url]: { status: 'ready', value: action.charts } } };
    case 'list.failed': {
      const failed = { status: 'failed' as const, message: action.message };
      return action.kind === 'tags'
        ? { ...state, tagLists: { ...state.tagLists, [action.source]: failed } }
        : { ...state, chartLists: { ...state.chartLists, [action.source]: failed } };
    }
    case 'graph.failed':
      return { ...state, graphs: { ...state.graphs, [action.key]: { status: 'failed', message: action.message } } };
    case 'save.checked':
      if (state.save.status !== 'checking' || state.save.path !== action.path) return state;
      return {
        ...state,
        save: action.exists ? { status: 'confirm', path: action.path } : { status: 'writing', path: action.path },
      };
    case 'save.written':
      return { ...state, save: { status: 'saved', path: action.path }, message: undefined };
    case 'save.failed':
      return { ...state, save: { status: 'failed', message: action.message } };
  }
  return state;
}

/** Catalog refs and graph keys the view must load now. */
export function pendingLoads(state: BuilderState): {
  catalogs: string[];
  graphs: string[];
  tags: string[];
  charts: string[];
  footprints: string[];
  /** The draft key of a dry run to start. */
  plan?: string;
} {
  const loading = (record: Readonly<Record<string, Load<unknown>>>) =>
    Object.entries(record)
      .filter(([, l]) => l.status === 'loading')
      .map(([k]) => k);
  return {
    tags: loading(state.tagLists),
    footprints: loading(state.footprints),
    plan: state.plan?.load.status === 'loading' ? state.plan.draftKey : undefined,
    charts: loading(state.chartLists),
    catalogs: Object.entries(state.catalogs)
      .filter(([, l]) => l.status === 'loading')
      .map(([ref]) => ref),
    graphs: Object.entries(state.graphs)
      .filter(([, l]) => l.status === 'loading')
      .map(([key]) => key),
  };
}
