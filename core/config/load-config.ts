/**
 * Loading ImageSetConfiguration / DeleteImageSetConfiguration files (core.md §1.1): strict YAML, `kind` and
 * stanza checks, unknown fields rejected, go-yaml v2 typing, then every validation rule. Unlike oc-mirror, which
 * stops at the first failing stage, every problem of a file is collected and thrown at once as a ConfigError,
 * each located at file:line:column (see docs/config-validation.md).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { dedupeProblems, ProblemList, sortProblems, type SourcePosition } from './config-problems.js';
import { deleteImageSetConfigurationSchema, imageSetConfigurationSchema } from './config-schema.js';
import { decodeObject, positionOf, type DecodeContext } from './decode-yaml-node.js';
import { resolveScalar } from './go-yaml-scalar.js';
import {
  CONFIG_API_VERSION,
  DEFAULT_RELEASE_ARCHITECTURE,
  DELETE_IMAGE_SET_CONFIGURATION_KIND,
  IMAGE_SET_CONFIGURATION_KIND,
  type ConfigKind,
  type DeleteImageSetConfiguration,
  type ImageSetConfiguration,
  type ImageSetSpec,
} from './image-set-config.js';
import { validateSpec } from './validate-spec.js';
import { errorAt, type ValidationContext } from './validation-context.js';

/** A configuration that passed every check, with the non-fatal findings. */
export interface LoadedConfig<T> {
  config: T;
  /** Non-fatal findings (duplicates, ignored settings, …), in file order. */
  warnings: ConfigProblem[];
  /** The file's text as read. */
  raw: string;
  /** Where the value at a dotted path (`mirror.additionalImages[2].name`) is, for later error messages. */
  locate(path: string): SourcePosition | undefined;
}

const STANZA: Record<ConfigKind, 'mirror' | 'delete'> = {
  ImageSetConfiguration: 'mirror',
  DeleteImageSetConfiguration: 'delete',
};

const YAML_OPTIONS = { schema: 'failsafe', uniqueKeys: false, prettyErrors: false, merge: false } as const;

function syntaxMessage(code: string, message: string): string {
  if (code === 'TAB_AS_INDENT') return 'YAML syntax error: tabs are not allowed for indentation; indent with spaces';
  return `YAML syntax error: ${message.split('\n')[0]}`;
}

function findPair(map: YAMLMap, key: string) {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

function describeKindValue(node: unknown): string {
  if (!isScalar(node)) return 'a map or list';
  const value = resolveScalar(node);
  if (value.kind === 'string') return JSON.stringify(value.value);
  return value.kind === 'null' ? 'null' : String(node.value);
}

/** Checks `kind` (§1.1.2). Returns false when the file is plainly the other kind: nothing else is worth reporting. */
function checkKind(root: YAMLMap, expected: ConfigKind, ctx: DecodeContext): boolean {
  const pair = findPair(root, 'kind');
  if (!pair) {
    ctx.problems.error(positionOf(root, ctx), 'kind', 'configuration missing `kind`');
    return true;
  }
  const node = pair.value;
  const found = isScalar(node) ? resolveScalar(node) : undefined;
  if (found?.kind === 'string' && found.value === expected) return true;
  const at = isScalar(node) && found?.kind !== 'null' ? positionOf(node, ctx) : positionOf(pair.key as Node, ctx);
  const other =
    expected === IMAGE_SET_CONFIGURATION_KIND ? DELETE_IMAGE_SET_CONFIGURATION_KIND : IMAGE_SET_CONFIGURATION_KIND;
  if (found?.kind === 'string' && found.value === other) {
    const hint =
      other === DELETE_IMAGE_SET_CONFIGURATION_KIND
        ? 'this is a delete configuration: use it with "delete --generate"'
        : 'this is a mirroring configuration: "delete --generate" needs a DeleteImageSetConfiguration';
    ctx.problems.error(at, 'kind', `cannot parse ${JSON.stringify(other)} as ${JSON.stringify(expected)} (${hint})`);
    return false;
  }
  ctx.problems.error(at, 'kind', `cannot parse ${describeKindValue(node)} as ${JSON.stringify(expected)}`);
  return true;
}

function checkStanzas(root: YAMLMap, expected: ConfigKind, ctx: DecodeContext): void {
  const stanza = STANZA[expected];
  const forbidden = stanza === 'mirror' ? 'delete' : 'mirror';
  if (!findPair(root, stanza)) {
    ctx.problems.error(positionOf(root, ctx), stanza, `configuration missing the \`${stanza}\` stanza`);
  }
  const extra = findPair(root, forbidden);
  if (extra) {
    ctx.problems.error(positionOf(extra.key as Node, ctx), forbidden, `${forbidden}: is not allowed in ${expected}`);
  }
}

/** Apply oc-mirror's defaults (channel type; DISC architectures, §1.1.6). */
function normalise(spec: ImageSetSpec, kind: ConfigKind): void {
  const platform = spec.platform;
  if (!platform) return;
  for (const channel of platform.channels ?? []) {
    channel.type = channel.type === 'okd' ? 'okd' : 'ocp';
  }
  if (
    kind === DELETE_IMAGE_SET_CONFIGURATION_KIND &&
    (platform.channels?.length ?? 0) > 0 &&
    (platform.architectures?.length ?? 0) === 0 &&
    (platform.platforms?.length ?? 0) === 0
  ) {
    platform.architectures = [DEFAULT_RELEASE_ARCHITECTURE];
  }
}

function fail(problems: ProblemList): never {
  throw new ConfigError(sortProblems(dedupeProblems(problems.errors)));
}

function parseConfig(text: string, file: string, expected: ConfigKind): LoadedConfig<Record<string, unknown>> {
  const problems = new ProblemList(file);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  const list: Document[] = Array.isArray(documents) ? documents : [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      problems.error({ line, column: col }, '', syntaxMessage(err.code, err.message));
    }
  }
  if (problems.errors.length > 0) fail(problems);

  const doc = list[0];
  const positions: DecodeContext['positions'] = new Map();
  const ctx: DecodeContext = { doc, lineCounter, problems, positions, broken: new Set(), reportedAliases: new Set() };
  for (const extra of list.slice(1)) {
    if (extra.contents === null) continue;
    problems.error(
      positionOf(extra.contents, ctx),
      '',
      'the file holds more than one YAML document (separated by "---"); put one configuration per file',
    );
  }
  const root = doc?.contents;
  if (!root || (isScalar(root) && resolveScalar(root).kind === 'null')) {
    problems.error({ line: 1, column: 1 }, 'kind', 'configuration missing `kind` (the file is empty)');
    fail(problems);
  }
  if (!isMap(root)) {
    problems.error(
      positionOf(root, ctx),
      '',
      `the configuration must be a YAML map with "kind", "apiVersion" and "${STANZA[expected]}"; found ${isScalar(root) ? 'a single value' : 'a list'}`,
    );
    fail(problems);
  }
  if (!checkKind(root, expected, ctx)) fail(problems);
  checkStanzas(root, expected, ctx);

  const stanza = STANZA[expected];
  const schema =
    expected === IMAGE_SET_CONFIGURATION_KIND ? imageSetConfigurationSchema : deleteImageSetConfigurationSchema;
  const decoded = decodeObject(root, schema, '', ctx, {
    ignoreKeys: ['kind', stanza === 'mirror' ? 'delete' : 'mirror'],
    exactKeys: ['kind', 'mirror', 'delete'],
  });
  const spec = (decoded[stanza] ?? {}) as ImageSetSpec;
  const validation: ValidationContext = { problems, positions, broken: ctx.broken, kind: expected };
  validateSpec(validation, stanza, spec);
  if (typeof decoded.archiveSize === 'number' && decoded.archiveSize < 0) {
    errorAt(
      validation,
      'archiveSize',
      `archiveSize must not be negative (found ${decoded.archiveSize}); it is a size in GiB, 0 means the default of 500`,
    );
  }
  if (problems.errors.length > 0) fail(problems);

  normalise(spec, expected);
  const config: Record<string, unknown> = {
    kind: expected,
    // Like oc-mirror: the file's apiVersion is not validated and the loaded object is stamped with v2alpha1.
    apiVersion: CONFIG_API_VERSION,
    ...(decoded.archiveSize !== undefined ? { archiveSize: decoded.archiveSize } : {}),
    [stanza]: spec,
  };
  return {
    config,
    warnings: sortProblems(dedupeProblems(problems.warnings)),
    raw: text,
    locate: (path) => positions.get(path)?.value,
  };
}

/** Parse and validate an ImageSetConfiguration from text. Throws ConfigError listing every problem. */
export function parseImageSetConfig(text: string, file: string): LoadedConfig<ImageSetConfiguration> {
  return parseConfig(text, file, IMAGE_SET_CONFIGURATION_KIND) as unknown as LoadedConfig<ImageSetConfiguration>;
}

/** Parse and validate a DeleteImageSetConfiguration from text. Throws ConfigError listing every problem. */
export function parseDeleteImageSetConfig(text: string, file: string): LoadedConfig<DeleteImageSetConfiguration> {
  return parseConfig(
    text,
    file,
    DELETE_IMAGE_SET_CONFIGURATION_KIND,
  ) as unknown as LoadedConfig<DeleteImageSetConfiguration>;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    const detail = READ_ERRORS[code] ?? (err as Error).message;
    throw new ConfigError([
      {
        file,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read config file ${JSON.stringify(file)}: ${code} (${detail})`,
      },
    ]);
  }
}

/** Read, parse and validate an ImageSetConfiguration file. Throws ConfigError (also when unreadable: line 0). */
export async function loadImageSetConfig(file: string): Promise<LoadedConfig<ImageSetConfiguration>> {
  return parseImageSetConfig(await readConfigFile(file), file);
}

/** Read, parse and validate a DeleteImageSetConfiguration file. Throws ConfigError (also when unreadable: line 0). */
export async function loadDeleteImageSetConfig(file: string): Promise<LoadedConfig<DeleteImageSetConfiguration>> {
  return parseDeleteImageSetConfig(await readConfigFile(file), file);
}

/** The kind a file declares, without validating anything else (the wizard's file picker). */
export function detectConfigKind(text: string): ConfigKind | undefined {
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  const root = Array.isArray(documents) ? documents[0]?.contents : undefined;
  if (!isMap(root)) return undefined;
  const kind = findPair(root, 'kind')?.value;
  if (!isScalar(kind)) return undefined;
  const value = resolveScalar(kind);
  if (value.kind !== 'string') return undefined;
  return value.value === IMAGE_SET_CONFIGURATION_KIND || value.value === DELETE_IMAGE_SET_CONFIGURATION_KIND
    ? value.value
    : undefined;
}
