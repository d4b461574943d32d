/**
 * Walks a YAML node tree against an ObjectSchema, producing plain values and located problems: unknown keys
 * (with "did you mean"), duplicate keys, wrong types (go-yaml v2 typing, so unquoted numbers in string fields are
 * errors as in oc-mirror), missing required fields. Keeps going after every problem so all are reported.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type Scalar,
} from 'yaml';
import { resolveScalar, type GoScalar } from './go-yaml-scalar.js';
import type { ProblemList, SourcePosition } from './config-problems.js';
import { closestMatch } from './suggest.js';
import type { FieldSchema, ObjectSchema, ValueSchema } from './yaml-schema.js';

export interface DecodeContext {
  doc: Document;
  lineCounter: LineCounter;
  problems: ProblemList;
  /** Filled while decoding: where each path's key and value are. */
  positions: Map<string, { key?: SourcePosition; value: SourcePosition }>;
  /** Paths whose value could not be decoded (validators skip them to avoid follow-up noise). */
  broken: Set<string>;
  /** Aliases already reported as dangling (a node can be resolved more than once). */
  reportedAliases: Set<unknown>;
}

/** Keys of the object being decoded that the caller handles itself (kind/stanza checks). */
export interface ObjectOptions {
  /** Not reported as unknown and not decoded. */
  ignoreKeys?: readonly string[];
  /** Matched case-sensitively only (oc-mirror checks them on the raw map before decoding). */
  exactKeys?: readonly string[];
}

export function positionOf(node: { range?: [number, number, number] | null } | null | undefined, ctx: DecodeContext) {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { line, column: col };
}

function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Follow an alias to its anchored node; an alias without anchor is reported once and reads as null. */
function resolveNode(node: unknown, ctx: DecodeContext): unknown {
  if (!isAlias(node)) return node;
  const target = node.resolve(ctx.doc);
  if (target === undefined && !ctx.reportedAliases.has(node)) {
    ctx.reportedAliases.add(node);
    ctx.problems.error(
      positionOf(node, ctx),
      '',
      `YAML alias "*${node.source}" refers to no anchor (define "&${node.source}" before using it)`,
    );
  }
  return target;
}

function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && resolveScalar(node).kind === 'null');
}

function describeScalar(value: GoScalar, source: string): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return `the boolean ${source}`;
    case 'int':
    case 'float':
      return `the number ${source}`;
    case 'string':
      return `the string ${JSON.stringify(value.value)}`;
  }
}

function describeNode(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeScalar(resolveScalar(node), String(node.value ?? ''));
  return 'null';
}

function expectation(schema: ValueSchema): string {
  switch (schema.type) {
    case 'string':
      return 'a string';
    case 'bool':
      return 'a boolean (true or false)';
    case 'int':
      return 'an integer';
    case 'list':
      return 'a list';
    case 'object':
      return 'a map';
  }
}

function typeHint(schema: ValueSchema, node: unknown): string {
  if (!isScalar(node)) return '';
  const value = resolveScalar(node);
  const source = String(node.value ?? '');
  if (schema.type === 'string' && (value.kind === 'int' || value.kind === 'float' || value.kind === 'bool')) {
    return ` (quote it: "${source}")`;
  }
  if (
    schema.type === 'list' &&
    schema.items.type === 'object' &&
    schema.items.shorthandKey &&
    value.kind === 'string'
  ) {
    return ` (write a list item: "- ${schema.items.shorthandKey}: ${source}")`;
  }
  if (schema.type === 'list' && value.kind !== 'null') {
    return ` (write a list: [${source}])`;
  }
  if (schema.type === 'object' && schema.shorthandKey && value.kind === 'string') {
    return ` (write "- ${schema.shorthandKey}: ${source}")`;
  }
  return '';
}

function typeError(schema: ValueSchema, node: unknown, path: string, label: string, ctx: DecodeContext): undefined {
  ctx.problems.error(
    positionOf(node as Node, ctx),
    path,
    `"${label}" must be ${expectation(schema)}, found ${describeNode(node)}${typeHint(schema, node)}`,
  );
  ctx.broken.add(path);
  return undefined;
}

/**
 * Decode `node` (already known not to be null) against `schema`. Returns undefined on a type error (reported).
 * `label` names the value in messages (`targetTag`, `architectures[1]`).
 */
export function decodeValue(
  rawNode: unknown,
  schema: ValueSchema,
  path: string,
  label: string,
  ctx: DecodeContext,
): unknown {
  const node = resolveNode(rawNode, ctx);
  switch (schema.type) {
    case 'string':
    case 'bool':
    case 'int': {
      if (!isScalar(node)) return typeError(schema, node, path, label, ctx);
      const value = resolveScalar(node);
      if (schema.type === 'string' && value.kind === 'string') return value.value;
      if (schema.type === 'bool' && value.kind === 'bool') return value.value;
      // Go's YAML→JSON step turns 4.0 into 4, which then decodes into an int64.
      if (
        schema.type === 'int' &&
        (value.kind === 'int' || (value.kind === 'float' && Number.isSafeInteger(value.value)))
      ) {
        return value.value;
      }
      return typeError(schema, node, path, label, ctx);
    }
    case 'list': {
      if (!isSeq(node)) return typeError(schema, node, path, label, ctx);
      return node.items.map((item, index) => {
        const itemPath = `${path}[${index}]`;
        const itemLabel = `${label}[${index}]`;
        const at = positionOf(item as Node, ctx);
        ctx.positions.set(itemPath, { key: at, value: at });
        if (isNullNode(resolveNode(item, ctx))) {
          ctx.problems.error(at, itemPath, `"${itemLabel}" must be ${expectation(schema.items)}, found null`);
          ctx.broken.add(itemPath);
          return schema.items.type === 'object' ? {} : '';
        }
        const decoded = decodeValue(item, schema.items, itemPath, itemLabel, ctx);
        if (decoded === undefined) return schema.items.type === 'object' ? {} : '';
        return decoded;
      });
    }
    case 'object':
      if (!isMap(node)) return typeError(schema, node, path, label, ctx);
      return decodeObject(node, schema, path, ctx);
  }
}

interface Entry {
  pair: Pair;
  keyText: string;
  /** For pairs brought in by a merge key (`<<: *anchor`): that `<<` key, where the value is used. */
  mergedAt?: Node;
}

/** Explicit pairs first, then pairs brought in by YAML merge keys (`<<: *anchor`) that are not overridden. */
function entriesOf(map: unknown, ctx: DecodeContext): Entry[] {
  if (!isMap(map)) return [];
  const explicit: Entry[] = [];
  const mergeSources: { node: unknown; via: Node }[] = [];
  for (const pair of map.items) {
    const key = pair.key;
    if (isScalar(key) && key.type === 'PLAIN' && key.value === '<<') {
      const source = resolveNode(pair.value, ctx);
      const nodes = isSeq(source) ? source.items.map((s) => resolveNode(s, ctx)) : [source];
      mergeSources.push(...nodes.map((node) => ({ node, via: key })));
      continue;
    }
    explicit.push({ pair, keyText: isScalar(key) ? String((key as Scalar).value ?? '') : String(key) });
  }
  const seen = new Set(explicit.map((e) => e.keyText));
  const merged: Entry[] = [];
  for (const { node, via } of mergeSources) {
    for (const entry of entriesOf(node, ctx)) {
      if (seen.has(entry.keyText)) continue;
      seen.add(entry.keyText);
      merged.push({ ...entry, mergedAt: via });
    }
  }
  return [...explicit, ...merged];
}

/** Where a misplaced key belongs: the first child object (or list of objects) of `schema` that knows it. */
function belongsUnder(schema: ObjectSchema, key: string): string | undefined {
  for (const [name, field] of Object.entries(schema.fields)) {
    const child = field.schema.type === 'list' ? field.schema.items : field.schema;
    if (child.type === 'object' && key in child.fields) return name;
  }
  return undefined;
}

function unknownFieldMessage(schema: ObjectSchema, key: string, knownKeys: string[]): string {
  const retired = schema.retired?.[key];
  if (retired) return `unknown field "${key}" (${retired})`;
  const suggestion =
    closestMatch(key, knownKeys) ??
    (key.length >= 3 ? knownKeys.find((k) => k.toLowerCase().startsWith(key.toLowerCase())) : undefined);
  if (suggestion) return `unknown field "${key}"; did you mean "${suggestion}"?`;
  const parent = belongsUnder(schema, key);
  if (parent) return `unknown field "${key}"; did you mean to put it under "${parent}"?`;
  return `unknown field "${key}" (expected one of: ${knownKeys.join(', ')})`;
}

/** Decode a map against an object schema. Never fails as a whole: bad entries are reported and left out. */
export function decodeObject(
  node: Node,
  schema: ObjectSchema,
  path: string,
  ctx: DecodeContext,
  options: ObjectOptions = {},
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const knownKeys = Object.keys(schema.fields);
  const firstSeen = new Map<string, SourcePosition>();
  for (const { pair, keyText, mergedAt } of entriesOf(node, ctx)) {
    const merged = mergedAt !== undefined;
    const keyAt = positionOf((mergedAt ?? pair.key) as Node, ctx);
    if (!isScalar(pair.key)) {
      ctx.problems.error(keyAt, path, 'keys must be plain strings');
      continue;
    }
    let name = keyText;
    if (!(name in schema.fields)) {
      const folded = knownKeys.find(
        (k) => k.toLowerCase() === keyText.toLowerCase() && !options.exactKeys?.includes(k),
      );
      if (folded) {
        ctx.problems.warn(
          keyAt,
          joinPath(path, folded),
          `field "${keyText}" should be spelled "${folded}" (accepted because oc-mirror matches keys ignoring case)`,
        );
        name = folded;
      }
    }
    const fieldPath = joinPath(path, name);
    const previous = firstSeen.get(name);
    if (previous && !merged) {
      ctx.problems.error(
        keyAt,
        fieldPath,
        `duplicate key "${keyText}" (first defined at line ${previous.line}, column ${previous.column})`,
      );
      continue;
    }
    firstSeen.set(name, keyAt);
    if (options.ignoreKeys?.includes(keyText)) continue;
    const field: FieldSchema | undefined = schema.fields[name];
    if (!field) {
      ctx.problems.error(keyAt, fieldPath, unknownFieldMessage(schema, keyText, knownKeys));
      continue;
    }
    const valueNode = resolveNode(pair.value, ctx);
    const rawValue = pair.value as Node | null;
    const empty = isNullNode(valueNode) || (isScalar(rawValue) && rawValue.range?.[0] === rawValue.range?.[1]);
    const valueAt = empty || merged ? keyAt : positionOf(rawValue, ctx);
    ctx.positions.set(fieldPath, { key: keyAt, value: valueAt });
    if (isNullNode(valueNode)) continue;
    const decoded = decodeValue(valueNode, field.schema, fieldPath, name, ctx);
    if (decoded === undefined) continue;
    if (field.schema.type === 'string' && decoded === '') {
      if (field.required) {
        ctx.problems.error(valueAt, fieldPath, `"${name}" must not be empty`);
        ctx.broken.add(fieldPath);
      }
      continue;
    }
    result[name] = decoded;
  }
  const mapAt = positionOf(node, ctx);
  for (const [name, field] of Object.entries(schema.fields)) {
    if (!field.required || name in result || ctx.broken.has(joinPath(path, name))) continue;
    const keyAt = firstSeen.get(name);
    if (keyAt) {
      // Present but null: point at the key.
      ctx.problems.error(keyAt, joinPath(path, name), `"${name}" must not be empty`);
    } else {
      ctx.problems.error(mapAt, joinPath(path, name), `missing required field "${name}"`);
    }
    ctx.broken.add(joinPath(path, name));
  }
  return result;
}
