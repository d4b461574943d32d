/**
 * `ocm-tui delete`: phase 1 (`--generate`) writes the delete list; phase 2 (`--delete-yaml-file`) deletes.
 * On a terminal, phase 2 (and the wizard's delete workflow) goes through the interactive review; headless
 * runs do not prompt, as oc-mirror does.
 */
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { UsageError, describeError } from '../core/errors.js';
import { createEmitter, type MirrorEvent } from '../core/events.js';
import { DEFAULTS } from '../core/workflow/mirror-options.js';
import { parseDuration } from './duration.js';
import { resolveCertDir } from './mirror-args.js';
import type { CliFlags } from './cli-flags.js';
import { createCancellation } from './cancellation.js';
import { createPlainReporter } from './reporters/plain-reporter.js';
import { createJsonReporter } from './reporters/json-reporter.js';

export interface DeleteArgs {
  registry: string;
  cacheDir: string;
  port: number;
  authFile?: string;
  destTlsVerify: boolean;
  certDir?: string;
  retryTimes: number;
  retryDelayMs: number;
  parallel: number;
}

export function resolveDeleteArgs(flags: CliFlags, positional: string[], env: NodeJS.ProcessEnv): DeleteArgs {
  const destination = positional[0];
  if (!destination) throw new UsageError('the destination registry is missing in the command arguments');
  if (!destination.startsWith('docker://')) {
    throw new UsageError(`the destination registry "${destination}" must start with docker://`);
  }
  if (flags.workspace && !flags.workspace.startsWith('file://')) {
    throw new UsageError('when --workspace is used, it must have file:// prefix');
  }
  if (flags.deleteV1Images && !flags.generate)
    throw new UsageError('--delete-v1-images can only be used with --generate');
  if (flags.cacheDir && env.OC_MIRROR_CACHE)
    throw new UsageError('either OC_MIRROR_CACHE or --cache-dir can be used but not both');
  if (flags.generate) {
    if (!flags.config) throw new UsageError('use the --config flag it is mandatory with --generate');
    if (!flags.workspace)
      throw new UsageError(
        'use the --workspace flag, it is mandatory when using the delete command with the --generate flag',
      );
  } else if (!flags.deleteYamlFile) {
    throw new UsageError('the --delete-yaml-file flag is mandatory when not using --generate');
  }
  return {
    registry: destination.slice('docker://'.length).replace(/\/+$/, ''),
    cacheDir: resolve(flags.cacheDir || env.OC_MIRROR_CACHE || env.HOME || homedir()),
    port: flags.port ?? DEFAULTS.port,
    authFile: flags.authfile || env.REGISTRY_AUTH_FILE || undefined,
    destTlsVerify: flags.destTlsVerify ?? true,
    certDir: resolveCertDir(flags),
    retryTimes: flags.retryTimes ?? DEFAULTS.retryTimes,
    retryDelayMs: flags.retryDelay ? parseDuration(flags.retryDelay, 'retry-delay') : DEFAULTS.retryDelayMs,
    parallel: flags.parallelImages ?? DEFAULTS.parallelImages,
  };
}

export async function runDeleteCommand(
  flags: CliFlags,
  positional: string[],
  mode: { useUi: boolean; json: boolean },
): Promise<number> {
  const args = resolveDeleteArgs(flags, positional, process.env);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const reporter = mode.json ? createJsonReporter(out) : createPlainReporter({ out, err, verbose: false });
  const cancellation = createCancellation({
    onGraceful: () => err('cancelling… press Ctrl+C again to force'),
    onForce: () => process.exit(130),
  });
  const emit = createEmitter((e: MirrorEvent) => reporter.sink(e));
  const { createRunStores } = await import('../core/workflow/store-resolver.js');
  const { EMPTY_REGISTRIES_CONF } = await import('../core/registry/registries-conf.js');
  const stores = await createRunStores({
    cacheDir: args.cacheDir,
    port: args.port,
    authFile: args.authFile,
    srcTlsVerify: false,
    destTlsVerify: args.destTlsVerify,
    certDir: args.certDir,
    retryTimes: args.retryTimes,
    retryDelayMs: args.retryDelayMs,
    // Delete reads only the cache and the destination: source-side pull rules do not apply.
    registriesConf: EMPTY_REGISTRIES_CONF,
  });
  try {
    if (flags.generate) {
      const { generateDeleteList } = await import('../core/delete/generate-delete-list.js');
      const result = await generateDeleteList({
        configPath: resolve(flags.config!),
        workspaceRoot: resolve(flags.workspace!.slice('file://'.length)),
        destinationRegistry: args.registry,
        port: args.port,
        deleteId: flags.deleteId,
        deleteSignatures: Boolean(flags.deleteSignatures),
        cache: stores.cache,
        signal: cancellation.signal,
        emit,
        env: process.env,
      });
      out(`wrote ${result.deleteFile} (${result.items.length} item(s)) and ${result.configFile}`);
      out(`review it, then run: ocm-tui delete --delete-yaml-file ${result.deleteFile} docker://${args.registry}`);
      return 0;
    }
    const { readDeleteList, readDeleteOrigins } = await import('../core/delete/delete-list.js');
    const deleteFile = resolve(flags.deleteYamlFile!);
    const list = await readDeleteList(deleteFile);
    let items = list.items;
    if (mode.useUi) {
      const { runDeleteReview } = await import('./interactive/run-delete-review.js');
      const reviewed = await runDeleteReview({
        items,
        registry: args.registry,
        sourceFile: deleteFile,
        // Optional sidecar of `delete --generate`: operator images grouped by catalog › package ({} without it).
        origins: await readDeleteOrigins(deleteFile),
        // SIGTERM/SIGHUP while the review is open: close it as cancelled, delete nothing.
        signal: cancellation.signal,
      });
      if (!reviewed) {
        out('cancelled: nothing was deleted');
        return 0;
      }
      items = reviewed;
    }
    const { executeDelete } = await import('../core/delete/execute-delete.js');
    const deleteWith = (emitTo: typeof emit) =>
      executeDelete({
        items,
        destinationRegistry: args.registry,
        registry: (host) => stores.registry(host, 'destination'),
        cache: flags.forceCacheDelete
          ? { store: stores.cache, garbageCollect: (s) => stores.cache.garbageCollect(s) }
          : undefined,
        parallel: args.parallel,
        retryTimes: args.retryTimes,
        retryDelayMs: args.retryDelayMs,
        signal: cancellation.signal,
        emit: emitTo,
      });
    let results;
    if (mode.useUi) {
      // The live view owns the screen while deleting and prints the grouped result list afterwards.
      const { runDeleteProgress } = await import('./interactive/run-delete-review.js');
      results = await runDeleteProgress({
        registry: args.registry,
        total: items.length,
        fps: flags.fps,
        run: (sink) => deleteWith(createEmitter(sink)),
      });
    } else {
      results = await deleteWith(emit);
    }
    const failed = results.filter((r) => r.outcome === 'failed');
    const deleted = results.filter((r) => r.outcome === 'deleted').length;
    const absent = results.filter((r) => r.outcome === 'absent').length;
    out(`deleted ${deleted}, already absent ${absent}, failed ${failed.length} of ${results.length} manifest(s)`);
    out('Remember to run the registry garbage collection (or similar) on your remote registry to free the space');
    if (failed.length > 0) {
      if (!mode.useUi) {
        err('failed:');
        for (const f of failed) err(`  ${f.item.imageReference}: ${f.error}`);
      }
      return 1;
    }
    return 0;
  } catch (e) {
    if (mode.json) out(JSON.stringify({ type: 'error', at: Date.now(), message: describeError(e), exitCode: 1 }));
    else err(`error: ${describeError(e)}`);
    return 1;
  } finally {
    reporter.close();
    cancellation.dispose();
    await stores.close();
  }
}
