/** The screens of the config builder (views only: everything they show is derived from BuilderState). */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { keptBundles } from '../../core/collect/operator/catalog-browser.js';
import { selectedReleases } from '../../core/collect/release/release-browser.js';
import { sumFootprints } from '../../core/collect/plan-preview.js';
import { headlessCommands } from '../../core/config/isc-writer.js';
import { OPENSHIFT_VERSIONS } from '../../core/config/redhat-catalogs.js';
import { fit, formatBytes, truncateEnd, truncateMiddle } from '../shared/format.js';
import { useTheme } from '../shared/theme.js';
import type { Tone } from '../shared/theme.js';
import {
  HELM_FIELDS,
  HOME_ROWS,
  RELEASE_ROWS,
  catalogRows,
  draftPackage,
  graphKey,
  includePackageOf,
  isOnCatalogInput,
  openModel,
  packageDraftOf,
  currentPlan,
  pickerItems,
  pickerLoad,
  planOf,
  releaseVersions,
} from './builder-state.js';
import type { BuilderState, HomeRow, ReleaseRow } from './builder-state.js';

interface ScreenProps {
  state: BuilderState;
  width: number;
  lines: number;
}

/** One line: pointer, text cut to the width, optional tone. */
function Row({
  on,
  text,
  width,
  tone,
  bold,
}: {
  on?: boolean;
  text: string;
  width: number;
  tone?: Tone;
  bold?: boolean;
}) {
  const theme = useTheme();
  const pointer = on === undefined ? '' : on ? `${theme.glyphs.pointer} ` : '  ';
  return (
    <Text wrap="truncate" bold={bold ?? on} color={tone ? theme.tone(tone) : undefined}>
      {truncateEnd(pointer + text, width - 1, theme.glyphs.ellipsis)}
    </Text>
  );
}

function useCursorMark(): string {
  return useTheme().unicode ? '█' : '_';
}

/** A column: `text` cut to `width - 1`, padded, one space before the next column. */
function col(text: string, width: number, ellipsis: string): string {
  return `${fit(text, Math.max(1, width - 1), 'left', ellipsis)} `;
}

function checkbox(on: boolean): string {
  return on ? '[x]' : '[ ]';
}

function choice(value: string, unicode: boolean): string {
  return unicode ? `‹ ${value} ›` : `< ${value} >`;
}

/** `count thing(s)` */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// --- Hints -------------------------------------------------------------------------------------------------

/** The key-hint line of each screen (what the reducer does with the keys). */
export function screenHints(state: BuilderState, unicode: boolean): string {
  const ud = unicode ? '↑/↓' : 'Up/Dn';
  const lr = unicode ? '←/→' : '<-/->';
  switch (state.screen) {
    case 'home':
      return `${ud} move  Enter open  Esc back to the wizard  Ctrl+C quit`;
    case 'catalogs':
      return `${ud} move  ${lr} OpenShift version  Enter browse  Del remove  Esc back`;
    case 'packages':
      return `type to filter  ${ud} PgUp/PgDn  Space add/remove  Enter details  Esc back`;
    case 'package':
      return `${ud}  Space channel  ${lr} min/max  x clear  Enter keep  Del drop  Esc back`;
    case 'releases':
      if (state.picker) return `type to filter  ${ud} move  Enter use this channel  Esc close`;
      return `${ud} move  Tab channels  ${lr}/Space change  Enter add  Del remove  Esc back`;
    case 'images':
      if (state.picker) return `type to filter  ${ud} move  Enter add this tag  Esc close`;
      return `type a reference  Tab pick a tag  Enter add  ${ud}  Del remove  Esc back`;
    case 'helm':
      if (state.picker) return `type to filter  ${ud} move  Enter choose  Esc close`;
      return `type  Enter next/add  Tab pick a chart  ${ud} move  Del remove  Esc back`;
    case 'preview':
      return 'Enter save  Esc back';
    case 'save':
      if (state.save.status === 'confirm') return 'y overwrite  n choose another path';
      if (state.save.status === 'saved') return 'Enter continue in the wizard with this config  Esc back';
      return 'type the path  Enter save  Esc back';
  }
}

// --- Home --------------------------------------------------------------------------------------------------

function homeSummary(state: BuilderState, row: HomeRow): string {
  const d = state.draft;
  switch (row) {
    case 'operators': {
      const packages = d.operators.reduce((n, c) => n + c.packages.length, 0);
      return d.operators.length === 0
        ? 'none'
        : `${plural(d.operators.length, 'catalog')}, ${plural(packages, 'package')}`;
    }
    case 'releases':
      return d.releases.channels.length === 0
        ? 'none'
        : `${d.releases.channels.map((c) => c.name).join(', ')} (${d.releases.architectures.join(', ')})`;
    case 'images':
      return d.additionalImages.length === 0 ? 'none' : plural(d.additionalImages.length, 'image');
    case 'helm':
      return d.helm.length === 0 ? 'none' : plural(d.helm.length, 'repository').replace('repositorys', 'repositories');
    case 'preview':
      return 'what the mirror will take';
    case 'save':
      return state.savePath;
  }
}

const HOME_LABELS: Record<HomeRow, string> = {
  operators: 'Operators',
  releases: 'Releases',
  images: 'Additional images',
  helm: 'Helm charts',
  preview: 'Preview plan',
  save: 'Save',
};

function HomeScreen({ state, width }: ScreenProps) {
  return (
    <Box flexDirection="column">
      <Row text="What goes into the ImageSetConfiguration?" width={width} />
      {HOME_ROWS.map((row, i) => (
        <Row
          key={row}
          on={i === state.homeCursor}
          text={`${fit(HOME_LABELS[row], 19)}${homeSummary(state, row)}`}
          width={width}
        />
      ))}
    </Box>
  );
}

// --- Operators -----------------------------------------------------------------------------------------------

function CatalogsScreen({ state, width, lines }: ScreenProps) {
  const theme = useTheme();
  const mark = useCursorMark();
  const rows = catalogRows(state);
  const onInput = isOnCatalogInput(state);
  const room = Math.max(1, lines - 3);
  const top = Math.max(0, Math.min(state.catalogCursor - room + 1, rows.length - room));
  const shown = rows.slice(top, top + room);
  return (
    <Box flexDirection="column">
      <Row
        text={`Which catalog? Red Hat catalogs for OpenShift ${choice(OPENSHIFT_VERSIONS[state.versionIndex], theme.unicode)}, or type any reference`}
        width={width}
      />
      {shown.map((row, i) => {
        const index = top + i;
        const packages = state.draft.operators.find((c) => c.catalog === row.ref)?.packages.length ?? 0;
        const load = state.catalogs[row.ref];
        const status = load?.status === 'loading' ? '  (loading)' : load?.status === 'failed' ? '  (failed)' : '';
        return (
          <Row
            key={row.ref}
            on={index === state.catalogCursor}
            text={`${row.inDraft ? `${theme.glyphs.done} ` : '  '}${truncateMiddle(row.ref, width - (row.inDraft ? 28 : 18), theme.glyphs.ellipsis)}${row.inDraft ? `  ${plural(packages, 'package')}` : ''}${status}`}
            width={width}
          />
        );
      })}
      <Row on={onInput} text={`Type a reference: ${state.catalogInput}${onInput ? mark : ''}`} width={width} />
    </Box>
  );
}

function LoadingOrFailed({ state, width }: { state: BuilderState; width: number }) {
  const theme = useTheme();
  const load = state.openCatalog ? state.catalogs[state.openCatalog] : undefined;
  if (load?.status === 'failed') {
    return (
      <Box flexDirection="column">
        <Row text={`${theme.glyphs.failed} cannot read ${state.openCatalog}`} width={width} tone="error" bold />
        <Row text={load.message} width={width} tone="error" />
        <Row text="Enter retries, Esc goes back." width={width} />
      </Box>
    );
  }
  const progress =
    load?.status === 'loading' && load.total
      ? `${formatBytes(load.bytes ?? 0)} of ${formatBytes(load.total)}${(load.bytes ?? 0) >= load.total ? ', loading the FBC' : ''}`
      : 'pulling the catalog image';
  return (
    <Row text={`Reading ${state.openCatalog ?? ''}${theme.glyphs.ellipsis} (${progress})`} width={width} tone="muted" />
  );
}

function PackagesScreen({ state, width }: ScreenProps) {
  const theme = useTheme();
  const mark = useCursorMark();
  const model = openModel(state);
  if (!model) return <LoadingOrFailed state={state} width={width} />;
  const ref = state.openCatalog!;
  const chosen = state.draft.operators.find((c) => c.catalog === ref)?.packages ?? [];
  const nameW = Math.max(12, Math.floor((width - 8) * 0.34));
  const displayW = Math.max(10, Math.floor((width - 8) * 0.3));
  const defaultW = Math.max(8, Math.floor((width - 8) * 0.18));
  const headW = Math.max(6, width - 8 - nameW - displayW - defaultW);
  // Virtualised: only the visible window of the filtered list is rendered.
  const visible = state.filtered.slice(state.pkgTop, state.pkgTop + state.listRows);
  return (
    <Box flexDirection="column">
      <Row
        text={`${truncateMiddle(ref, Math.max(20, width - 45), theme.glyphs.ellipsis)}  ${plural(model.packages.length, 'package')}, ${plural(model.bundleCount, 'bundle')}, ${chosen.length} chosen`}
        width={width}
      />
      <Row
        text={`Filter: ${state.filter}${mark}  (${state.filtered.length} match${state.filtered.length === 1 ? '' : 'es'}${state.filtered.length > 0 ? `, ${state.pkgCursor + 1}/${state.filtered.length}` : ''})`}
        width={width}
      />
      <Row
        text={`      ${fit('NAME', nameW)}${fit('DISPLAY NAME', displayW)}${fit('DEFAULT', defaultW)}${fit('HEAD', headW)}`}
        width={width}
        tone="muted"
      />
      {visible.map((index, i) => {
        const pkg = model.packages[index];
        const on = state.pkgTop + i === state.pkgCursor;
        const picked = chosen.some((p) => p.name === pkg.name);
        return (
          <Row
            key={pkg.name}
            on={on}
            text={`${checkbox(picked)} ${col(pkg.name, nameW, theme.glyphs.ellipsis)}${col(pkg.displayName, displayW, theme.glyphs.ellipsis)}${col(pkg.defaultChannel, defaultW, theme.glyphs.ellipsis)}${pkg.headVersion}`}
            width={width}
          />
        );
      })}
      {state.filtered.length === 0 ? <Row text="No package matches the filter." width={width} tone="muted" /> : null}
    </Box>
  );
}

function PackageScreen({ state, width, lines }: ScreenProps) {
  const theme = useTheme();
  const model = openModel(state);
  const edit = state.pkg;
  const pkg = model?.packages.find((p) => p.name === edit?.name);
  const draft = edit && model ? packageDraftOf(state, edit) : undefined;
  // The draft object is rebuilt on every render; its content is the memo key.
  const draftKey = JSON.stringify(draft);
  const kept = useMemo(
    () => (model && draft ? keptBundles(model, includePackageOf(draft)) : undefined),
    [model, draftKey],
  );
  if (!model || !edit || !pkg || !draft || !kept) return null;
  const inDraft = draftPackage(state, state.openCatalog!, pkg.name) !== undefined;
  const channelRoom = Math.max(1, lines - 7);
  const top = Math.max(0, Math.min(edit.cursor - channelRoom + 1, pkg.channels.length - channelRoom, edit.cursor));
  const channels = pkg.channels.slice(top, top + channelRoom);
  const nameW = Math.min(24, Math.max(10, ...pkg.channels.map((c) => c.name.length + 2)));
  const minRow = pkg.channels.length;
  const keptText = kept.error
    ? `${theme.glyphs.failed} ${kept.error}`
    : `Keeps ${plural(kept.bundles.length, 'bundle')}, ${plural(kept.images.length, 'image')}: ${kept.bundles.map((b) => b.version).join(', ')}`;
  return (
    <Box flexDirection="column">
      <Row
        text={`${pkg.name}${pkg.displayName ? ` (${pkg.displayName})` : ''}  default ${pkg.defaultChannel}  ${plural(pkg.bundleCount, 'bundle')}${inDraft ? '  [in config]' : ''}`}
        width={width}
        bold
      />
      <Row
        text={`Channels (${edit.channels.length === 0 ? 'none chosen = every channel' : `${edit.channels.length} chosen`}${draft.defaultChannel ? `, default channel becomes ${draft.defaultChannel}` : ''})`}
        width={width}
        tone="muted"
      />
      {channels.map((ch, i) => {
        const index = top + i;
        return (
          <Row
            key={ch.name}
            on={index === edit.cursor}
            text={`${checkbox(edit.channels.includes(ch.name))} ${col(ch.name, nameW, theme.glyphs.ellipsis)}head ${ch.headVersion || ch.head}  ${plural(ch.versions.length, 'version')}${ch.versions.length > 0 ? ` ${ch.versions[0]}${ch.versions.length > 1 ? `${theme.glyphs.ellipsis}${ch.versions.at(-1)}` : ''}` : ''}`}
            width={width}
          />
        );
      })}
      <Row
        on={edit.cursor === minRow}
        text={`Min version  ${choice(edit.minVersion ?? 'none', theme.unicode)}`}
        width={width}
      />
      <Row
        on={edit.cursor === minRow + 1}
        text={`Max version  ${choice(edit.maxVersion ?? 'none', theme.unicode)}${!edit.minVersion && !edit.maxVersion ? '  (no range: channel heads only)' : ''}`}
        width={width}
      />
      <Row text={keptText} width={width} tone={kept.error ? 'error' : 'ok'} />
    </Box>
  );
}

// --- Releases ------------------------------------------------------------------------------------------------

const RELEASE_LABELS: Record<ReleaseRow, string> = {
  channel: 'Channel',
  arch: 'Architecture',
  min: 'Min version',
  max: 'Max version',
  shortestPath: 'Shortest path',
  full: 'Full',
  graph: 'Graph image',
  add: 'Add channel',
};

function ReleasesScreen({ state, width, lines }: ScreenProps) {
  const theme = useTheme();
  const mark = useCursorMark();
  const rel = state.rel;
  const channel = rel.channel.trim();
  const load = state.graphs[graphKey(channel, rel.arch)];
  const graph = load?.status === 'ready' ? load.value : undefined;
  const versions = releaseVersions(state);
  const selected = useMemo(
    () =>
      graph
        ? selectedReleases(graph, {
            name: channel,
            minVersion: rel.minVersion,
            maxVersion: rel.maxVersion,
            shortestPath: rel.shortestPath,
            full: rel.full,
          })
        : undefined,
    [graph, channel, rel.minVersion, rel.maxVersion, rel.shortestPath, rel.full],
  );
  const value = (row: ReleaseRow): string => {
    switch (row) {
      case 'channel':
        return `${rel.channel}${rel.cursor === 0 ? mark : ''}`;
      case 'arch':
        return choice(rel.arch, theme.unicode);
      case 'min':
        return choice(rel.minVersion ?? (rel.full ? 'lowest' : 'head'), theme.unicode);
      case 'max':
        return choice(rel.maxVersion ?? 'head', theme.unicode);
      case 'shortestPath':
        return checkbox(rel.shortestPath);
      case 'full':
        return checkbox(rel.full);
      case 'graph':
        return `${checkbox(state.draft.releases.graph)} (graph-data image for the OpenShift Update Service)`;
      case 'add':
        return '(Enter on any row below the channel adds it)';
    }
  };
  const graphLine =
    load === undefined
      ? 'Graph: not loaded (Enter on the channel fetches it)'
      : load.status === 'loading'
        ? `Graph: fetching ${channel} (${rel.arch})${theme.glyphs.ellipsis}`
        : load.status === 'failed'
          ? `Graph: ${theme.glyphs.failed} ${load.message}`
          : `Graph: ${plural(versions.length, 'version')}${versions.length > 0 ? ` ${versions[0]}${theme.glyphs.ellipsis}${versions.at(-1)}` : ''}`;
  const selectedLine = selected
    ? selected.error
      ? `${theme.glyphs.failed} ${selected.error}`
      : `Selected: ${plural(selected.versions.length, 'release')}: ${selected.versions.join(', ')}`
    : '';
  const added = state.draft.releases.channels;
  const addedRoom = Math.max(0, lines - RELEASE_ROWS.length - 3);
  if (state.picker) {
    return (
      <Box flexDirection="column">
        <Row text={`${fit(RELEASE_LABELS.channel, 15)}${rel.channel}  (${rel.arch})`} width={width} />
        <PickerList state={state} width={width} lines={lines - 1} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {RELEASE_ROWS.map((row, i) => (
        <Row key={row} on={rel.cursor === i} text={`${fit(RELEASE_LABELS[row], 15)}${value(row)}`} width={width} />
      ))}
      <Row text={graphLine} width={width} tone={load?.status === 'failed' ? 'error' : 'muted'} />
      {selected ? <Row text={selectedLine} width={width} tone={selected.error ? 'error' : 'ok'} /> : null}
      {added.length > 0 && addedRoom > 0 ? (
        <Row text={`In the config: ${plural(added.length, 'channel')}`} width={width} tone="muted" />
      ) : null}
      {added.slice(0, Math.max(0, addedRoom - 1)).map((c, i) => (
        <Row
          key={c.name}
          on={rel.cursor === RELEASE_ROWS.length + i}
          text={`${c.name}  ${c.minVersion ?? (c.full ? 'lowest' : 'head')}${theme.unicode ? '–' : '-'}${c.maxVersion ?? 'head'}${c.shortestPath ? '  shortest path' : ''}${c.full ? '  full' : ''}`}
          width={width}
        />
      ))}
    </Box>
  );
}

// --- Additional images and Helm ------------------------------------------------------------------------------

/** The open picker: tags of an image repository, or chart versions of a Helm repository. */
function PickerList({ state, width, lines }: ScreenProps) {
  const theme = useTheme();
  const mark = useCursorMark();
  const picker = state.picker!;
  const load = pickerLoad(state);
  const what = picker.kind === 'tags' ? 'Tags of' : picker.kind === 'charts' ? 'Charts of' : 'Channels named by';
  if (!load || load.status === 'loading') {
    return <Row text={`${what} ${picker.source}: loading${theme.glyphs.ellipsis}`} width={width} tone="muted" />;
  }
  if (load.status === 'failed') {
    return (
      <Box flexDirection="column">
        <Row text={`${theme.glyphs.failed} ${what} ${picker.source}: ${load.message}`} width={width} tone="error" />
        <Row text="Enter retries, Esc closes." width={width} />
      </Box>
    );
  }
  const items = pickerItems(state);
  const rows = Math.max(1, Math.min(lines - 2, state.listRows - 2));
  return (
    <Box flexDirection="column">
      <Row
        text={`${what} ${truncateMiddle(picker.source, Math.max(10, width - 40), theme.glyphs.ellipsis)}  filter: ${picker.filter}${mark}  (${items.length})`}
        width={width}
      />
      {items.slice(picker.top, picker.top + rows).map((item, i) => (
        <Row key={item.label} on={picker.top + i === picker.cursor} text={item.label} width={width} />
      ))}
      {items.length === 0 ? <Row text="Nothing matches." width={width} tone="muted" /> : null}
    </Box>
  );
}

function ImagesScreen({ state, width, lines }: ScreenProps) {
  const mark = useCursorMark();
  const images = state.draft.additionalImages;
  const room = Math.max(1, lines - 2);
  const top = Math.max(0, Math.min(state.imageCursor - room, images.length - room));
  if (state.picker) {
    return (
      <Box flexDirection="column">
        <Row text={`Reference: ${state.imageInput}`} width={width} />
        <PickerList state={state} width={width} lines={lines - 1} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Row
        on={state.imageCursor === 0}
        text={`Reference: ${state.imageInput}${state.imageCursor === 0 ? mark : ''}`}
        width={width}
      />
      <Row text={`In the config: ${plural(images.length, 'image')}`} width={width} tone="muted" />
      {images.slice(top, top + room).map((image, i) => (
        <Row key={image} on={state.imageCursor === top + i + 1} text={image} width={width} />
      ))}
    </Box>
  );
}

const HELM_LABELS: Record<(typeof HELM_FIELDS)[number], string> = {
  name: 'Repository name',
  url: 'Repository URL',
  chart: 'Chart (empty = all)',
  version: 'Chart version',
};

function HelmScreen({ state, width, lines }: ScreenProps) {
  const mark = useCursorMark();
  const helm = state.helm;
  const repos = state.draft.helm;
  if (state.picker) {
    return (
      <Box flexDirection="column">
        <Row text={`${fit(HELM_LABELS.name, 21)}${helm.name}`} width={width} />
        <PickerList state={state} width={width} lines={lines - 1} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {HELM_FIELDS.map((field, i) => (
        <Row
          key={field}
          on={helm.cursor === i}
          text={`${fit(HELM_LABELS[field], 21)}${helm[field]}${helm.cursor === i ? mark : ''}`}
          width={width}
        />
      ))}
      <Row
        text={`In the config: ${repos.length} Helm repositor${repos.length === 1 ? 'y' : 'ies'}`}
        width={width}
        tone="muted"
      />
      {repos.slice(0, Math.max(0, lines - HELM_FIELDS.length - 1)).map((r, i) => (
        <Row
          key={r.name}
          on={helm.cursor === HELM_FIELDS.length + i}
          text={`${r.name}  ${r.url}  ${r.charts.length === 0 ? 'every chart' : r.charts.map((c) => `${c.name} ${c.version ?? 'latest'}`).join(', ')}`}
          width={width}
        />
      ))}
    </Box>
  );
}

// --- Preview and save ----------------------------------------------------------------------------------------

function sizeText(sum: ReturnType<typeof sumFootprints>, ellipsis: string): string {
  if (sum.total === 0) return '';
  const parts: string[] = [];
  if (sum.measured > 0) {
    parts.push(`${formatBytes(sum.bytes)}${sum.cachedBytes > 0 ? ` (${formatBytes(sum.cachedBytes)} cached)` : ''}`);
  }
  if (sum.measured + sum.failed < sum.total)
    parts.push(`measuring ${sum.measured + sum.failed}/${sum.total}${ellipsis}`);
  else if (sum.measured < sum.total) parts.push(`${sum.total - sum.measured} not measured`);
  return parts.join(', ');
}

const KINDS = ['release', 'operator', 'additional', 'helm'] as const;

function PreviewScreen({ state, width, lines }: ScreenProps) {
  const theme = useTheme();
  const plan = useMemo(() => planOf(state), [state.draft, state.catalogs, state.graphs]); // planOf's inputs
  const dryRun = currentPlan(state);
  const footprintOf = (ref: string) => {
    const load = state.footprints[ref];
    if (!load || load.status === 'loading') return undefined;
    return load.status === 'ready' ? load.value : { error: load.message };
  };
  const typeW = 11;
  if (dryRun?.status === 'ready') {
    // The mirror's own plan: images per kind as its collectors found them, sizes from their manifests.
    const { images, errors, warnings } = dryRun.value;
    const kinds = KINDS.filter((k) => images.some((i) => i.kind === k));
    const all = sumFootprints(
      images.map((i) => i.source),
      footprintOf,
    );
    const problems = [
      ...errors.slice(0, 2).map((m) => ({ text: `${theme.glyphs.failed} ${m}`, tone: 'error' as const })),
      ...warnings.slice(0, 2).map((m) => ({ text: `${theme.glyphs.warning} ${m}`, tone: 'warn' as const })),
    ];
    const selectionRoom = Math.max(0, lines - 3 - kinds.length - problems.length - 1);
    return (
      <Box flexDirection="column">
        <Row text="Dry run of this config (the mirror's collectors; nothing copied)" width={width} bold />
        {kinds.length === 0 ? <Row text="No images." width={width} tone="muted" /> : null}
        {kinds.map((kind) => {
          const sources = images.filter((i) => i.kind === kind).map((i) => i.source);
          return (
            <Row
              key={kind}
              text={`  ${fit(kind, typeW)}${fit(plural(sources.length, 'image'), 12)}${sizeText(sumFootprints(sources, footprintOf), theme.glyphs.ellipsis)}`}
              width={width}
            />
          );
        })}
        <Row
          text={`  Total: ${plural(images.length, 'image')}${all.total > 0 ? `, ${sizeText(all, theme.glyphs.ellipsis)}` : ''}`}
          width={width}
          bold
        />
        {problems.map((p, i) => (
          <Row key={i} text={p.text} width={width} tone={p.tone} />
        ))}
        {selectionRoom > 1 ? <Row text="Selection:" width={width} tone="muted" /> : null}
        {plan.rows.slice(0, Math.max(0, selectionRoom - 1)).map((r, i) => (
          <Row
            key={`${r.type}:${r.label}:${i}`}
            text={`  ${fit(r.type, typeW)}${truncateMiddle(r.label, Math.max(10, Math.floor(width / 2)), theme.glyphs.ellipsis)}: ${r.error ? `${theme.glyphs.failed} ${r.error}` : r.detail}`}
            width={width}
            tone={r.error ? 'error' : 'muted'}
          />
        ))}
      </Box>
    );
  }
  // Until the dry run is there (or when it failed): what the loaded catalogs and graphs already say.
  const room = Math.max(1, Math.floor((lines - 4) / 2));
  const all = sumFootprints(
    plan.rows.flatMap((r) => r.refs),
    footprintOf,
  );
  const status =
    dryRun?.status === 'failed'
      ? { text: `${theme.glyphs.failed} Dry run failed: ${dryRun.message}`, tone: 'error' as const }
      : {
          text: `Dry run: collecting with the mirror's collectors (catalogs, release payloads)${theme.glyphs.ellipsis}`,
          tone: 'muted' as const,
        };
  return (
    <Box flexDirection="column">
      <Row text="Plan (loaded catalogs and graphs; manifests read, nothing copied)" width={width} bold />
      <Row text={status.text} width={width} tone={status.tone} />
      {plan.rows.length === 0 ? <Row text="Nothing selected yet." width={width} tone="muted" /> : null}
      {plan.rows.slice(0, room).map((r, i) => {
        const size = sizeText(sumFootprints(r.refs, footprintOf), theme.glyphs.ellipsis);
        return (
          <Box key={`${r.type}:${r.label}:${i}`} flexDirection="column">
            <Row
              text={`${fit(r.type, typeW)}${truncateMiddle(r.label, Math.max(10, width - typeW - 16), theme.glyphs.ellipsis)}  ${r.images === undefined ? '? images' : plural(r.images, 'image')}`}
              width={width}
              bold
            />
            <Row
              text={`${' '.repeat(typeW)}${r.error ? `${theme.glyphs.failed} ${r.error}` : `${size ? `${size}; ` : ''}${r.detail}`}`}
              width={width}
              tone={r.error ? 'error' : 'muted'}
            />
          </Box>
        );
      })}
      {plan.rows.length > room ? <Row text={`+${plan.rows.length - room} more`} width={width} tone="muted" /> : null}
      <Row
        text={`Total: ${plural(plan.knownImages, 'image')}${plan.releasePayloads > 0 ? ` + ${plural(plan.releasePayloads, 'release')} (+ components)` : ''}${all.measured > 0 ? `, ${sizeText(all, theme.glyphs.ellipsis)}` : ''}`}
        width={width}
      />
    </Box>
  );
}

function SaveScreen({ state, width }: ScreenProps) {
  const theme = useTheme();
  const mark = useCursorMark();
  const save = state.save;
  const editing = save.status === 'editing' || save.status === 'failed';
  return (
    <Box flexDirection="column">
      <Row text="Save the ImageSetConfiguration (checked by the mirror's own loader first)" width={width} />
      <Row on={editing} text={`Path: ${state.savePath}${editing ? mark : ''}`} width={width} />
      {save.status === 'checking' || save.status === 'writing' ? (
        <Row text={`Saving${theme.glyphs.ellipsis}`} width={width} tone="muted" />
      ) : null}
      {save.status === 'confirm' ? (
        <Row text={`${save.path} exists. Overwrite it? (y/n)`} width={width} tone="warn" bold />
      ) : null}
      {save.status === 'failed' ? (
        <Row text={`${theme.glyphs.failed} ${save.message}`} width={width} tone="error" />
      ) : null}
      {save.status === 'saved' ? (
        <Box flexDirection="column">
          <Row text={`${theme.glyphs.done} Saved ${save.path}`} width={width} tone="ok" bold />
          <Row text="The same without the wizard:" width={width} />
          {headlessCommands(save.path).map((c) => (
            <Row key={c} text={`  ${c}`} width={width} tone="accent" />
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

export function BuilderBody(props: ScreenProps) {
  switch (props.state.screen) {
    case 'home':
      return <HomeScreen {...props} />;
    case 'catalogs':
      return <CatalogsScreen {...props} />;
    case 'packages':
      return <PackagesScreen {...props} />;
    case 'package':
      return <PackageScreen {...props} />;
    case 'releases':
      return <ReleasesScreen {...props} />;
    case 'images':
      return <ImagesScreen {...props} />;
    case 'helm':
      return <HelmScreen {...props} />;
    case 'preview':
      return <PreviewScreen {...props} />;
    case 'save':
      return <SaveScreen {...props} />;
  }
}
