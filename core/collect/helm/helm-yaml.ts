/**
 * YAML and JSON the way Helm reads and writes them. Helm decodes Chart.yaml, values.yaml, `fromYaml` and every
 * rendered manifest with sigs.k8s.io/yaml, i.e. go-yaml v2 (YAML 1.1 scalars: `yes`/`on` are booleans, `0755` is
 * octal, dates stay strings) followed by a JSON round trip (map keys become strings). `toYaml` goes the other way:
 * JSON first (keys sorted), then YAML with sequences not indented under their key.
 *
 * Scalars are typed by the project's go-yaml v2 resolver (core/config/go-yaml-scalar.ts), so chart values and the
 * ImageSetConfiguration agree on what `1.0` or `yes` is.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, stringify, type Document, type Node } from 'yaml';
import { resolveScalar } from '../../config/go-yaml-scalar.js';
import { formatGoFloat } from './go-format.js';

/** A document that go-yaml would reject; `line` is 1-based when known. */
export class GoYamlError extends Error {
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = 'GoYamlError';
    this.line = line;
    this.column = column;
  }
}

/** Aliases can expand a small document into a huge one ("billion laughs"); charts never need this many nodes. */
const MAX_DECODED_NODES = 2_000_000;

/**
 * Assigns `obj[key] = value` as a data property: a YAML key `__proto__` must stay a key, not swap the prototype.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * Decodes the first YAML document of `text` as sigs.k8s.io/yaml.Unmarshal into `interface{}` does (later documents
 * are ignored, as go-yaml's Unmarshal reads only one). Empty input is `null`.
 */
export function parseGoYaml(text: string): unknown {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: true });
  if (!Array.isArray(docs)) return null; // an empty stream
  const doc = docs[0];
  if (doc === undefined) return null;
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new GoYamlError(error.message.split('\n')[0] ?? error.message, pos?.line, pos?.col);
  }
  const budget = { left: MAX_DECODED_NODES };
  return decodeNode(doc.contents, doc, budget);
}

function decodeNode(node: unknown, doc: Document, budget: { left: number }): unknown {
  if (--budget.left < 0) throw new GoYamlError('document expands to too many nodes (alias expansion)');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) throw new GoYamlError(`unknown anchor '${node.source}' referenced`);
    return decodeNode(target, doc, budget);
  }
  if (isScalar(node)) {
    const scalar = resolveScalar(node);
    return scalar.kind === 'null' ? null : scalar.value;
  }
  if (isSeq(node)) return node.items.map((item) => decodeNode(item, doc, budget));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
        // YAML 1.1 merge key (go-yaml v2 supports it): explicit keys of this map win over merged ones.
        const source = decodeNode(pair.value, doc, budget);
        for (const m of Array.isArray(source) ? source : [source]) {
          if (m !== null && typeof m === 'object' && !Array.isArray(m)) merged.push(m as Record<string, unknown>);
          else throw new GoYamlError('map merge requires map or sequence of maps as the value');
        }
        continue;
      }
      setOwn(out, mapKey(decodeNode(keyNode, doc, budget)), decodeNode(pair.value, doc, budget));
    }
    // In a merge sequence the earlier map wins a key; the map's explicit keys win over every merged one.
    for (const m of merged) {
      for (const [k, v] of Object.entries(m)) if (!Object.hasOwn(out, k)) setOwn(out, k, v);
    }
    return out;
  }
  return null;
}

/** sigs.k8s.io/yaml's conversion of a go-yaml map key to a JSON object key. */
function mapKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return Number.isInteger(key) ? String(key) : formatGoFloat(key);
  if (key === null) return 'null';
  if (typeof key === 'object') throw new GoYamlError('a map key must be a scalar');
  return String(key);
}

/**
 * The JSON view of a template value, as Go's encoding/json sees it: class instances become their enumerable
 * fields, functions and `undefined` disappear, byte arrays become base64 (Go's []byte), Dates ISO strings.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v) ?? null);
  const out: Record<string, unknown> = {};
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    const converted = toJsonValue(v);
    if (converted !== undefined) setOwn(out, String(k), converted);
  }
  return out;
}

/** sigs.k8s.io/yaml.Marshal: keys sorted, sequences flush with their key, trailing newline included. */
export function toGoYaml(value: unknown): string {
  const json = toJsonValue(value);
  if (json === null || json === undefined) return 'null\n';
  return stringify(json, {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Go's JSON string encoding; `escapeHtml` turns `<`, `>`, `&` into `\u003c`… as json.Marshal does. */
function jsonString(text: string, escapeHtml: boolean): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const fixed = JSON_ESCAPES[ch];
    if (fixed) out += fixed;
    else if (
      code < 0x20 ||
      code === 0x2028 ||
      code === 0x2029 ||
      (escapeHtml && (ch === '<' || ch === '>' || ch === '&'))
    )
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's encoding/json number form: plain decimals, e-notation only below 1e-6 or from 1e21. */
function jsonNumber(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/**
 * Go's json.Marshal / MarshalIndent of a template value: map keys sorted, HTML characters escaped unless
 * `escapeHtml` is false (sprig's `toRawJson`).
 */
export function toGoJson(value: unknown, options: { indent?: string; escapeHtml?: boolean } = {}): string {
  const escapeHtml = options.escapeHtml ?? true;
  const indent = options.indent ?? '';
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return jsonString(v, escapeHtml);
    if (typeof v === 'number') return jsonNumber(v);
    if (typeof v === 'boolean') return String(v);
    const pad = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const end = indent ? `\n${indent.repeat(depth)}` : '';
    const colon = indent ? ': ' : ':';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((item) => pad + write(item, depth + 1)).join(',')}${end}]`;
    }
    const keys = Object.keys(v as Record<string, unknown>).sort();
    if (keys.length === 0) return '{}';
    const record = v as Record<string, unknown>;
    return `{${keys.map((k) => pad + jsonString(k, escapeHtml) + colon + write(record[k], depth + 1)).join(',')}${end}}`;
  };
  return write(toJsonValue(value), 0);
}
