/**
 * The parsed command line shared by the parser (parse-cli.ts), the dispatcher (main.ts) and the commands. A
 * leaf module: it imports nothing of the CLI, so every command can use it without importing the dispatcher.
 */
import type { MirrorFlags } from './mirror-args.js';

export interface CliFlags extends MirrorFlags {
  ui: boolean;
  output: string;
  fps: number;
  generate?: boolean;
  deleteYamlFile?: string;
  deleteId?: string;
  deleteSignatures?: boolean;
  deleteV1Images?: boolean;
  forceCacheDelete?: boolean;
  catalog?: string;
  catalogs?: boolean;
  package?: string;
  channel?: string;
  /** `list operators|releases --version X`; alone (`--version`, `-v`) prints ocm-tui's version. */
  version?: string;
  /** `version --short` (deprecated in oc-mirror, kept for scripts) */
  short?: boolean;
  /** `list releases --channels --version X.Y` */
  channels?: boolean;
  /** `list releases --filter-by-archs amd64,arm64` (comma-separated; default amd64) */
  filterByArchs?: string;
}

/** What `main` needs to run one command line. */
export interface CliInvocation {
  flags: CliFlags;
  input: string[];
  useUi: boolean;
  unknownFlags?: string[];
}
