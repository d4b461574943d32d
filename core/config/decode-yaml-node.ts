/**
 * Walks a YAML node tree against an ObjectSchema, producing plain values and located problems: unknown keys
 * (with "did you mean"), duplicate keys, wrong types (go-yaml v2 typing, so unquoted numbers in string fields are
 * errors as in oc-mirror), missing required fields. Keeps going after every problem so all are reported.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type Scalar } from 'yaml';
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

function resolveNode(node: unknown, ctx: DecodeContext): unknown {
  return isAlias(node) ? node.resolve(ctx.doc) : node;
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
      if (schema.type === 'int' && (value.kind === 'int' || (value.kind === 'float' && Number.isSafeInteger(value.value)))) {
        return value.value;
      }
      return typeError(schema, node, path, label, ctx);
    }
    case 'list': {
      if (!isSeq(node)) return typeError(schema, node, path, label, ctx);
      return node.items.map((item, index) => {
        const itemPath = `${path}[${index}]`;
        const itemLabel = `${label}[${index}]`;
        const at = positionOf(resolveNode(item, ctx) as Node, ctx);
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
  merged: boolean;
}

/** Explicit pairs first, then pairs brought in by YAML merge keys (`<<: *anchor`) that are not overridden. */
function entriesOf(map: Node, ctx: DecodeContext): Entry[] {
  if (!isMap(map)) return [];
  const explicit: Entry[] = [];
  const mergeSources: Node[] = [];
  for (const pair of map.items) {
    const key = pair.key;
    if (isScalar(key) && key.type === 'PLAIN' && key.value === '<<') {
      const source = resolveNode(pair.value, ctx);
      if (isSeq(source)) mergeSources.push(...source.items.map((s) => resolveNode(s, ctx) as Node));
      else mergeSources.push(source as Node);
      continue;
    }
    explicit.push({ pair, keyText: isScalar(key) ? String((key as Scalar).value ?? '') : String(key), merged: false });
  }
  const seen = new Set(explicit.map((e) => e.keyText));
  const merged: Entry[] = [];
  for (const source of mergeSources) {
    for (const entry of entriesOf(source, ctx)) {
      if (seen.has(entry.keyText)) continue;
      seen.add(entry.keyText);
      merged.push({ ...entry, merged: true });
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
  const suggestion = closestMatch(key, knownKeys);
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
  for (const { pair, keyText, merged } of entriesOf(node, ctx)) {
    const keyAt = positionOf(pair.key as Node, ctx);
    if (!isScalar(pair.key)) {
      ctx.problems.error(keyAt, path, 'keys must be plain strings');
      continue;
    }
    if (options.ignoreKeys?.includes(keyText)) continue;
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
    const field: FieldSchema | undefined = schema.fields[name];
    if (!field) {
      ctx.problems.error(keyAt, fieldPath, unknownFieldMessage(schema, keyText, knownKeys));
      continue;
    }
    const valueNode = resolveNode(pair.value, ctx);
    const empty = isNullNode(valueNode) || (isScalar(valueNode) && valueNode.range?.[0] === valueNode.range?.[1]);
    const valueAt = empty ? keyAt : positionOf(valueNode as Node, ctx);
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
