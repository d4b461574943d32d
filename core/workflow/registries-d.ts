/**
 * §6.2: the registries.d directory a run prepares in working-dir/containers/registries.d, as oc-mirror does
 * after collection: the user's configuration copied, plus `use-sigstore-attachments` entries for the cache,
 * `default` and the destination, unless a user file already configures them. The copy keeps the user's
 * signature stores (lookaside) next to the entries that make cosign `.sig` tags travel, so the working-dir
 * holds what was used.
 */
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OcmError } from '../errors.js';
import { registriesDirFor } from '../policy/lookaside.js';
import { isDirectory } from '../file-io.js';

export interface RegistriesDOptions {
  workingDir: string;
  /** `--registries.d`; otherwise the user's or the system directory. */
  sourceDir?: string;
  /** `localhost:<port>`, `default`, and for D2M/M2M the destination as given (`host[:port][/path]`). */
  entries: string[];
  env: NodeJS.ProcessEnv;
  /** Defaults to /etc/containers/registries.d. */
  systemDir?: string;
}

export interface PreparedRegistriesD {
  dir: string;
  /** The directory copied in, when one existed. */
  copiedFrom?: string;
  /** Entry files written. */
  written: string[];
}

export function registriesDOf(workingDir: string): string {
  return join(workingDir, 'containers', 'registries.d');
}

export async function prepareRegistriesD(options: RegistriesDOptions): Promise<PreparedRegistriesD> {
  const dir = registriesDOf(options.workingDir);
  await mkdir(dir, { recursive: true });
  const source = await registriesDirFor(options.sourceDir, options.env, options.systemDir);
  let copiedFrom: string | undefined;
  if (await isDirectory(source)) {
    await cp(source, dir, { recursive: true, force: true });
    copiedFrom = source;
  } else if (options.sourceDir !== undefined) {
    throw new OcmError('REGISTRIES_D', `--registries.d ${options.sourceDir}: not a directory`, {
      hint: 'name an existing registries.d directory, or drop the flag to use the default one',
    });
  }
  const configs = await loadConfigs(dir);
  const wanted = new Set(options.entries);
  for (const config of configs) {
    if (isNonEmpty(config.data['default-docker'])) wanted.delete('default');
    const docker = config.data.docker;
    if (!isMap(docker)) continue;
    for (const [scope, value] of Object.entries(docker)) {
      if (!isNonEmpty(value)) continue;
      for (const entry of [...wanted]) if (scope.includes(entry)) wanted.delete(entry);
    }
  }
  const written: string[] = [];
  for (const entry of options.entries.filter((e) => wanted.has(e))) {
    const file = join(dir, `${entry}.yaml`);
    await mkdir(dirname(file), { recursive: true });
    const body =
      entry === 'default'
        ? 'default-docker:\n  use-sigstore-attachments: true\n'
        : `docker:\n  ${entry}:\n    use-sigstore-attachments: true\n`;
    await writeFile(`${file}.tmp`, body);
    await rename(`${file}.tmp`, file);
    written.push(file);
  }
  const prepared: PreparedRegistriesD = { dir, written };
  if (copiedFrom !== undefined) prepared.copiedFrom = copiedFrom;
  return prepared;
}

interface LoadedConfig {
  file: string;
  data: Record<string, unknown>;
}

/** Every file directly in `dir`, parsed as YAML; a file that is not YAML is an error naming it. */
async function loadConfigs(dir: string): Promise<LoadedConfig[]> {
  const out: LoadedConfig[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Only `*.yaml` files are configuration (containers-registries.d(5)); a README beside them is not.
    if (entry.isDirectory() || !entry.name.endsWith('.yaml')) continue;
    const file = join(dir, entry.name);
    let data: unknown;
    try {
      data = parseYaml(await readFile(file, 'utf8'));
    } catch (err) {
      throw new OcmError('REGISTRIES_D', `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
        hint: 'fix or remove the file in your registries.d directory (see containers-registries.d(5))',
      });
    }
    out.push({ file, data: isMap(data) ? data : {} });
  }
  return out;
}

function isNonEmpty(value: unknown): boolean {
  return isMap(value) && Object.values(value).some((v) => v !== undefined && v !== null && v !== false && v !== '');
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
