/**
 * The working-dir layout of `../shared/spec/core.md` §3.7, created at the start of every mirror run.
 * `cluster-resources/` is emptied at each start except for dry runs (oc-mirror cleared it on dry runs
 * too, which users reported as a bug: OCPBUGS-50963).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface Workspace {
  root: string;
  workingDir: string;
  logsDir: string;
  clusterResourcesDir: string;
  dryRunDir: string;
  historyDir: string;
  deleteDir: string;
}

export function workspaceOf(root: string): Workspace {
  // A --workspace that already ends in working-dir is used as is (§2.8).
  const workingDir = /(^|\/)working-dir\/?$/.test(root) ? root.replace(/\/+$/, '') : join(root, 'working-dir');
  return {
    root: workingDir.slice(0, workingDir.length - 'working-dir'.length).replace(/\/+$/, '') || '.',
    workingDir,
    logsDir: join(workingDir, 'logs'),
    clusterResourcesDir: join(workingDir, 'cluster-resources'),
    dryRunDir: join(workingDir, 'dry-run'),
    historyDir: join(workingDir, '.history'),
    deleteDir: join(workingDir, 'delete'),
  };
}

const SUBFOLDERS = [
  'signatures',
  'release-images',
  'hold-release',
  'hold-release/cincinnati-graph-data',
  'operator-catalogs',
  'cluster-resources',
  'helm/charts',
  'helm/indexes',
  'logs',
];

export async function prepareWorkspace(ws: Workspace, opts: { clearClusterResources: boolean }): Promise<void> {
  if (opts.clearClusterResources) await rm(ws.clusterResourcesDir, { recursive: true, force: true });
  for (const sub of SUBFOLDERS) await mkdir(join(ws.workingDir, sub), { recursive: true });
}
