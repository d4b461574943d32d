/**
 * containers-registries.conf(5), read the way containers/image reads it for oc-mirror: which file and which
 * drop-in directories, the v1 and v2 formats, and the same validation. Only the parts that change pulls are
 * kept (registries, mirrors, insecure, blocked, pull-from-mirror); aliases and short-name modes do not apply
 * to mirroring, which only ever uses fully-qualified references.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { OcmError } from '../errors.js';
import { byCodeUnit } from '../code-unit-order.js';

export type PullFromMirror = 'all' | 'digest-only' | 'tag-only';

export interface RegistryEndpoint {
  /** `host[:port][/namespace…]`, no scheme. */
  location: string;
  insecure: boolean;
  /** Mirrors only; undefined means "all". */
  pullFromMirror?: PullFromMirror;
}

export interface RegistryRule extends RegistryEndpoint {
  /** What the rule matches: a registry, namespace or repository, or `*.domain`. */
  prefix: string;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: RegistryEndpoint[];
  /** The file that defined the rule, for messages. */
  file: string;
}

export interface RegistriesConf {
  /** Sorted by prefix, one rule per prefix (later drop-ins replace earlier definitions). */
  rules: RegistryRule[];
  /** Files that were read, in order. */
  files: string[];
  unqualifiedSearchRegistries: string[];
}

export const EMPTY_REGISTRIES_CONF: RegistriesConf = { rules: [], files: [], unqualifiedSearchRegistries: [] };

export class RegistriesConfError extends OcmError {
  readonly file: string;
  constructor(file: string, message: string, hint?: string) {
    super('REGISTRIES_CONF', `${file}: ${message}`, {
      hint: hint ?? 'fix the file (see containers-registries.conf(5)) or point CONTAINERS_REGISTRIES_CONF elsewhere',
    });
    this.file = file;
  }
}

export interface RegistriesConfLocations {
  env: NodeJS.ProcessEnv;
  /** Defaults to the user's home directory. */
  homeDir?: string;
  /** Defaults to /etc/containers/registries.conf. */
  systemFile?: string;
  /** Defaults to /etc/containers/registries.conf.d. */
  systemDir?: string;
}

interface ConfigPaths {
  file: string;
  /** True when the file was named explicitly: then a missing file is an error. */
  explicit: boolean;
  dirs: string[];
}

/**
 * Which file and drop-in directories apply. As in containers/image: `CONTAINERS_REGISTRIES_CONF` names the
 * file (drop-ins of the system and user directories still apply); otherwise a per-user registries.conf
 * replaces the system file and only the user's drop-ins are read.
 */
export async function registriesConfPaths(where: RegistriesConfLocations): Promise<ConfigPaths> {
  const home = where.homeDir ?? where.env.HOME ?? homedir();
  const systemFile = where.systemFile ?? '/etc/containers/registries.conf';
  const systemDir = where.systemDir ?? '/etc/containers/registries.conf.d';
  const userFile = join(home, '.config/containers/registries.conf');
  const userDir = join(home, '.config/containers/registries.conf.d');
  const override = where.env.CONTAINERS_REGISTRIES_CONF;
  if (override) return { file: override, explicit: true, dirs: [systemDir, userDir] };
  if (await exists(userFile)) return { file: userFile, explicit: false, dirs: [userDir] };
  return { file: systemFile, explicit: false, dirs: [systemDir, userDir] };
}

/** Loads the registries configuration that applies to this process; none at all is an empty configuration. */
export async function loadRegistriesConf(where: RegistriesConfLocations): Promise<RegistriesConf> {
  const paths = await registriesConfPaths(where);
  const files: string[] = [];
  let base: ParsedFile = { rules: [], unqualifiedSearchRegistries: undefined };
  const text = await readText(paths.file);
  if (text === undefined) {
    if (paths.explicit) {
      throw new RegistriesConfError(
        paths.file,
        'the file named by CONTAINERS_REGISTRIES_CONF does not exist',
        'set CONTAINERS_REGISTRIES_CONF to an existing registries.conf, or unset it',
      );
    }
  } else {
    base = parseRegistriesConf(text, paths.file, false);
    files.push(paths.file);
  }
  const byPrefix = new Map(base.rules.map((r) => [r.prefix, r]));
  let search = base.unqualifiedSearchRegistries;
  for (const file of await dropIns(paths.dirs)) {
    const dropText = await readText(file);
    if (dropText === undefined) continue; // removed between listing and reading
    const dropIn = parseRegistriesConf(dropText, file, true);
    for (const rule of dropIn.rules) byPrefix.set(rule.prefix, rule);
    if (dropIn.unqualifiedSearchRegistries !== undefined) search = dropIn.unqualifiedSearchRegistries;
    files.push(file);
  }
  const rules = [...byPrefix.values()].sort((a, b) => byCodeUnit(a.prefix, b.prefix));
  return { rules, files, unqualifiedSearchRegistries: search ?? [] };
}

interface ParsedFile {
  rules: RegistryRule[];
  /** Undefined when the file does not set it (so a drop-in does not clear the base file's list). */
  unqualifiedSearchRegistries: string[] | undefined;
}

/** Parses and validates one file. Drop-ins must use the v2 format (`forceV2`). */
export function parseRegistriesConf(text: string, file: string, forceV2: boolean): ParsedFile {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const firstLine = err.message.split('\n')[0] ?? err.message;
      throw new RegistriesConfError(`${file}:${err.line}:${err.column}`, `not valid TOML: ${firstLine}`);
    }
    throw err;
  }
  const v1 = doc.registries;
  const hasV2 = doc.registry !== undefined || doc['unqualified-search-registries'] !== undefined;
  if (v1 !== undefined) {
    if (forceV2) throw new RegistriesConfError(file, 'a drop-in file must use the v2 format ([[registry]] tables)');
    if (hasV2)
      throw new RegistriesConfError(file, 'mixing the v1 [registries.*] format and v2 [[registry]] is not supported');
    return convertV1(v1, file);
  }
  const rules: RegistryRule[] = [];
  const entries = doc.registry ?? [];
  if (!Array.isArray(entries))
    throw new RegistriesConfError(file, '"registry" must be an array of tables ([[registry]])');
  entries.forEach((entry: unknown, i: number) => rules.push(ruleOf(entry, `[[registry]] #${i + 1}`, file)));
  checkConflicts(rules, file);
  const search = doc['unqualified-search-registries'];
  return {
    rules: uniqueByPrefix(rules),
    unqualifiedSearchRegistries:
      search === undefined ? undefined : stringList(search, 'unqualified-search-registries', file),
  };
}

function ruleOf(entry: unknown, where: string, file: string): RegistryRule {
  if (!isTable(entry)) throw new RegistriesConfError(file, `${where} must be a table`);
  const location = locationOf(
    optionalString(entry.location, `${where} location`, file) ?? '',
    `${where} location`,
    file,
  );
  let prefix = optionalString(entry.prefix, `${where} prefix`, file);
  if (prefix === undefined || prefix === '') {
    if (location === '') throw new RegistriesConfError(file, `${where}: both location and prefix are unset`);
    prefix = location;
  } else {
    prefix = locationOf(prefix, `${where} prefix`, file);
    if (!prefix.startsWith('*.') && location === '') {
      throw new RegistriesConfError(
        file,
        `${where}: location is unset and prefix "${prefix}" is not of the form *.example.com`,
      );
    }
    if (prefix.startsWith('*.') && /[/@:]/.test(prefix)) {
      throw new RegistriesConfError(file, `${where}: wildcarded prefix "${prefix}" must be of the form *.example.com`);
    }
  }
  if (entry['pull-from-mirror'] !== undefined) {
    throw new RegistriesConfError(
      file,
      `${where}: pull-from-mirror can only be set on a [[registry.mirror]], not on "${prefix}"`,
    );
  }
  const mirrorByDigestOnly =
    optionalBoolean(entry['mirror-by-digest-only'], `${where} mirror-by-digest-only`, file) ?? false;
  const rawMirrors = entry.mirror ?? [];
  if (!Array.isArray(rawMirrors))
    throw new RegistriesConfError(file, `${where}: "mirror" must be an array of tables ([[registry.mirror]])`);
  const mirrors = rawMirrors.map((m: unknown, j: number): RegistryEndpoint => {
    const at = `${where} mirror #${j + 1}`;
    if (!isTable(m)) throw new RegistriesConfError(file, `${at} must be a table`);
    const mirrorLocation = locationOf(optionalString(m.location, `${at} location`, file) ?? '', `${at} location`, file);
    if (mirrorLocation === '') throw new RegistriesConfError(file, `${at}: location is unset`);
    const pull = optionalString(m['pull-from-mirror'], `${at} pull-from-mirror`, file);
    if (pull !== undefined && pull !== '' && pull !== 'all' && pull !== 'digest-only' && pull !== 'tag-only') {
      throw new RegistriesConfError(
        file,
        `${at}: unsupported pull-from-mirror value "${pull}" (all, digest-only or tag-only)`,
      );
    }
    if (mirrorByDigestOnly && pull !== undefined && pull !== '') {
      throw new RegistriesConfError(
        file,
        `${at}: mirror-by-digest-only on "${prefix}" and pull-from-mirror on mirror "${mirrorLocation}" cannot be set together`,
      );
    }
    const endpoint: RegistryEndpoint = {
      location: mirrorLocation,
      insecure: optionalBoolean(m.insecure, `${at} insecure`, file) ?? false,
    };
    if (pull) endpoint.pullFromMirror = pull;
    return endpoint;
  });
  return {
    prefix,
    location,
    insecure: optionalBoolean(entry.insecure, `${where} insecure`, file) ?? false,
    blocked: optionalBoolean(entry.blocked, `${where} blocked`, file) ?? false,
    mirrorByDigestOnly,
    mirrors,
    file,
  };
}

/** The v1 format names registries to search, to treat as insecure, and to block; it has no mirrors. */
function convertV1(v1: unknown, file: string): ParsedFile {
  if (!isTable(v1)) throw new RegistriesConfError(file, '[registries] must be a table');
  const listOf = (key: string): string[] => {
    const table = v1[key];
    if (table === undefined) return [];
    if (!isTable(table)) throw new RegistriesConfError(file, `[registries.${key}] must be a table`);
    return table.registries === undefined ? [] : stringList(table.registries, `registries.${key}.registries`, file);
  };
  const byLocation = new Map<string, RegistryRule>();
  const ruleFor = (raw: string, key: string): RegistryRule => {
    const location = locationOf(raw, `registries.${key}`, file);
    if (location === '') throw new RegistriesConfError(file, `registries.${key}: an empty registry name`);
    let rule = byLocation.get(location);
    if (!rule) {
      rule = {
        prefix: location,
        location,
        insecure: false,
        blocked: false,
        mirrorByDigestOnly: false,
        mirrors: [],
        file,
      };
      byLocation.set(location, rule);
    }
    return rule;
  };
  for (const r of listOf('block')) ruleFor(r, 'block').blocked = true;
  for (const r of listOf('insecure')) ruleFor(r, 'insecure').insecure = true;
  return { rules: [...byLocation.values()], unqualifiedSearchRegistries: listOf('search') };
}

/** One location defined twice must agree on `insecure` and `blocked`. */
function checkConflicts(rules: RegistryRule[], file: string): void {
  const seen = new Map<string, RegistryRule>();
  for (const rule of rules) {
    const key = rule.location === '' ? rule.prefix : rule.location;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, rule);
      continue;
    }
    for (const field of ['insecure', 'blocked'] as const) {
      if (other[field] !== rule[field]) {
        throw new RegistriesConfError(
          file,
          `registry "${key}" is defined several times with conflicting "${field}" settings`,
        );
      }
    }
  }
}

/** The first definition of a prefix wins inside one file (later ones are unreachable). */
function uniqueByPrefix(rules: RegistryRule[]): RegistryRule[] {
  const byPrefix = new Map<string, RegistryRule>();
  for (const rule of rules) if (!byPrefix.has(rule.prefix)) byPrefix.set(rule.prefix, rule);
  return [...byPrefix.values()];
}

function locationOf(raw: string, what: string, file: string): string {
  const trimmed = raw.replace(/\/+$/, '');
  if (/^https?:\/\//i.test(trimmed)) {
    throw new RegistriesConfError(file, `${what} "${raw}": URI schemes are not supported; write host[:port][/path]`);
  }
  return trimmed;
}

function optionalString(value: unknown, what: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RegistriesConfError(file, `${what} must be a string`);
  return value;
}

function optionalBoolean(value: unknown, what: string, file: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new RegistriesConfError(file, `${what} must be true or false (without quotes)`);
  return value;
}

function stringList(value: unknown, what: string, file: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new RegistriesConfError(file, `${what} must be an array of strings`);
  }
  return (value as string[]).map((v) => locationOf(v, what, file));
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistriesConfError(path, `cannot be read: ${(err as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `*.conf` files directly inside each directory, directory by directory, names in byte order. */
async function dropIns(dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      names = entries.filter((e) => !e.isDirectory() && e.name.endsWith('.conf')).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new RegistriesConfError(dir, `drop-in directory cannot be read: ${(err as Error).message}`);
    }
    names.sort(byCodeUnit);
    out.push(...names.map((n) => join(dir, n)));
  }
  return out;
}
