/**
 * Runs the interactive delete review and turns its outcome into what the delete command needs: the confirmed
 * selection (also saved as a new delete file beside the original, so the same deletion can be re-run
 * headless), or undefined when the user cancelled. Nothing is deleted here.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { DeleteItem } from '../../core/delete/delete-list.js';
import type { MirrorEvent } from '../../core/events.js';
import type { OperatorOrigin } from '../../core/image-types.js';
import { deleteOriginsFile, formatDeleteList } from '../../core/delete/delete-list.js';
import { UsageError } from '../../core/errors.js';
import { applyColorEnv } from './color-env.js';
import { loadUi } from './load-ui.js';

export interface RunDeleteReviewOptions {
  /** The items of the delete file. */
  items: DeleteItem[];
  /** Destination registry (`host[:port][/path]`, no transport). */
  registry: string;
  /** The delete file that was read; the reviewed file is written beside it. */
  sourceFile: string;
  /**
   * Catalog and packages of operator images, keyed by imageReference (`readDeleteOrigins`): the review groups
   * them by catalog › package. @default {} (files written by oc-mirror have none: grouped by repository)
   */
  origins?: Readonly<Record<string, OperatorOrigin>>;
  /** Aborting (SIGTERM, SIGHUP) closes the review as cancelled. */
  signal?: AbortSignal;
  /** Terminal streams; default the process' own. Tests pass fakes. */
  io?: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  /** Where the saved file's path is printed. @default a line on process.stdout */
  log?: (line: string) => void;
  /** Clock for the file name. @default new Date() */
  now?: () => Date;
}

/** `delete-images-reviewed-20250101_120000.yaml` beside `delete-images.yaml` (local time, like oc-mirror's logs). */
export function reviewedFilePath(sourceFile: string, now: Date, attempt = 0): string {
  const ext = extname(sourceFile);
  const name = basename(sourceFile, /^\.ya?ml$/i.test(ext) ? ext : '');
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}_` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return join(dirname(sourceFile), `${name}-reviewed-${stamp}${attempt > 0 ? `-${attempt + 1}` : ''}.yaml`);
}

/**
 * Writes the selection without ever overwriting a file (two reviews within one second get `-2`, `-3`…), and
 * the selected items' origins beside it when there are any, so reviewing the reviewed file groups them too.
 */
async function saveReviewedList(
  sourceFile: string,
  now: Date,
  items: DeleteItem[],
  origins: Readonly<Record<string, OperatorOrigin>>,
): Promise<string> {
  const text = formatDeleteList(items);
  const kept = Object.fromEntries(
    items
      .filter((i) => Object.hasOwn(origins, i.imageReference))
      .map((i) => [i.imageReference, origins[i.imageReference]]),
  );
  for (let attempt = 0; ; attempt++) {
    const path = reviewedFilePath(sourceFile, now, attempt);
    try {
      await writeFile(path, text, { flag: 'wx' });
      if (Object.keys(kept).length > 0) await writeFile(deleteOriginsFile(path), JSON.stringify(kept, null, 2));
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 99) throw err;
    }
  }
}

/**
 * Shows the review; resolves with the confirmed selection, or undefined when cancelled (Esc, Ctrl+C, abort).
 * On confirmation the selection is saved with `formatDeleteList` to `<name>-reviewed-<YYYYMMDD_HHMMSS>.yaml`
 * beside `sourceFile`, and that path is printed.
 */
export async function runDeleteReview(options: RunDeleteReviewOptions): Promise<DeleteItem[] | undefined> {
  const stdin = options.io?.stdin ?? process.stdin;
  if (!stdin.isTTY) {
    throw new UsageError(
      'the delete review needs an interactive terminal',
      'use --no-ui to delete headless exactly what the delete file lists',
    );
  }
  applyColorEnv();
  const ui = await loadUi();

  let settle: (selection: DeleteItem[] | undefined) => void = () => undefined;
  const decision = new Promise<DeleteItem[] | undefined>((resolve) => {
    settle = resolve;
  });
  const onAbort = () => settle(undefined);
  if (options.signal?.aborted) return undefined;
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const instance = ui.mountDeleteReview(
    {
      items: options.items,
      registry: options.registry,
      sourceFile: options.sourceFile,
      origins: options.origins,
      onConfirm: (selected) => settle(selected),
      onCancel: () => settle(undefined),
    },
    ui.themeFromEnv(),
    {
      exitOnCtrlC: false,
      patchConsole: false,
      // NOTE: Ink 6.8's incrementalRendering left stale lines on a real terminal (tmux 80×24) when a toggle
      // changed rows and when the frame shrank to the confirm screen; full redraws of this short frame are cheap.
      incrementalRendering: false,
      maxFps: 15,
      ...(options.io ?? {}),
    },
  );
  let selection: DeleteItem[] | undefined;
  try {
    selection = await decision;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
  }
  if (!selection) return undefined;
  const now = (options.now ?? (() => new Date()))();
  const path = await saveReviewedList(options.sourceFile, now, selection, options.origins ?? {});
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  log(`saved the reviewed selection (${selection.length} item(s)) to ${path}`);
  log(`to repeat this deletion headless: ocm-tui delete --delete-yaml-file ${path} docker://${options.registry}`);
  return selection;
}

export interface RunDeleteProgressOptions<T> {
  /** Destination registry, for the title. */
  registry: string;
  /** Manifests that will be attempted. */
  total: number;
  /** Runs the deletion (executeDelete) with an event sink that feeds the view. */
  run: (sink: (event: MirrorEvent) => void) => Promise<T>;
  /** Terminal streams; default the process' own. */
  io?: { stdin?: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  /** Where the result list is printed after the live view closes. @default lines on process.stdout */
  log?: (line: string) => void;
  /** @default 10 */
  fps?: number;
}

/**
 * Shows live progress while `run` deletes, then closes the view and prints the result list (deleted, already
 * absent, failed; glyph and word on each line) as plain lines so it stays in the scrollback. Resolves or
 * rejects with `run`. No input is read: cancellation stays with the caller's SIGINT/SIGTERM/SIGHUP handling.
 */
export async function runDeleteProgress<T>(options: RunDeleteProgressOptions<T>): Promise<T> {
  applyColorEnv();
  const ui = await loadUi();
  const theme = ui.themeFromEnv();
  const store = ui.createDeleteProgressStore(options.total);
  const instance = ui.mountDeleteProgress({ store, registry: options.registry }, theme, {
    exitOnCtrlC: false,
    patchConsole: false,
    incrementalRendering: false, // see runDeleteReview
    maxFps: options.fps ?? 10,
    ...(options.io?.stdin ? { stdin: options.io.stdin } : {}),
    ...(options.io ? { stdout: options.io.stdout, stderr: options.io.stderr } : {}),
  });
  try {
    return await options.run((event) => store.dispatch(event));
  } finally {
    store.dispatch({ type: 'delete.finished' });
    // Let React commit the final counts before unmount flushes the last frame (it stays on screen).
    await new Promise((resolve) => setImmediate(resolve));
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
    const results = store.getState().results;
    // Full references here: this list is what stays in the scrollback and in pasted bug reports.
    for (const outcome of ['deleted', 'absent', 'failed'] as const) {
      for (const r of results.filter((x) => x.outcome === outcome)) {
        log(`${ui.resultHead(r, theme)}${r.reference.replace(/^docker:\/\//, '')}${r.error ? `: ${r.error}` : ''}`);
      }
    }
  }
}
