/**
 * Loads the interactive UI: the pre-built bundle next to this file when the build made one (what `npm ci`,
 * `npm run build` and `npm test` do) and it is not older than the compiled modules (a `tsc`-only rebuild),
 * else the compiled modules one by one. Both have the same exports; `OCM_TUI_UNBUNDLED=1` forces the modules
 * (to debug with their own source maps).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as UiMounts from './ui-mounts.js';

export type UiModule = typeof UiMounts;

export const UI_BUNDLE_URL = new URL('./ui-mounts.bundle.js', import.meta.url);

export async function loadUi(env: NodeJS.ProcessEnv = process.env): Promise<UiModule> {
  if (env.OCM_TUI_UNBUNDLED !== '1' && bundleIsCurrent()) return (await import(UI_BUNDLE_URL.href)) as UiModule;
  return import('./ui-mounts.js');
}

function bundleIsCurrent(): boolean {
  const bundle = statSync(fileURLToPath(UI_BUNDLE_URL), { throwIfNoEntry: false });
  const modules = statSync(fileURLToPath(new URL('./ui-mounts.js', import.meta.url)), { throwIfNoEntry: false });
  return bundle !== undefined && (modules === undefined || bundle.mtimeMs >= modules.mtimeMs);
}
