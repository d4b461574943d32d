/**
 * The part of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that oc-mirror's image paths use, with the
 * `AllowMissingKeys(true)` behaviour oc-mirror sets: `{.a.b[*].c}`, `[n]`, `[-n]`, `[a:b:c]`, `['key']`,
 * unions (`[0,2]`, `['a','b']`), `.*`, recursive descent (`..name`) and simple filters (`[?(@.name=="x")]`,
 * `[?(@.x)]`). Text outside `{…}` is copied as is, as in kubectl.
 *
 * Output follows client-go's `PrintResults`: the results of one expression are joined by a space, strings
 * printed raw, numbers with Go's `%v`, maps and lists as JSON. As in client-go, indexing something that is not a
 * list, or out of its bounds, is an error (it fails the chart in oc-mirror); a missing key is not.
 */
import { formatGoFloat } from './go-format.js';
import { toGoJson } from './helm-yaml.js';

/** A JSONPath the evaluator cannot parse or run; the message quotes the path. */
export class JsonPathError extends Error {
  constructor(path: string, message: string) {
    super(`jsonpath ${JSON.stringify(path)}: ${message}`);
    this.name = 'JsonPathError';
  }
}

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'recursive' }
  | { kind: 'wildcard' }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; left: Operand; op?: string; right?: Operand };

type Operand = { kind: 'path'; steps: Step[] } | { kind: 'literal'; value: unknown };

type Segment = { kind: 'text'; text: string } | { kind: 'expr'; steps: Step[] };

/** A parsed JSONPath template. */
export interface JsonPath {
  readonly source: string;
  readonly segments: readonly Segment[];
}

const TERMINATORS = new Set([' ', '.', ',', '[', ']', '$', '@', '{', '}', '\t', '\n']);

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly path: string,
  ) {}

  fail(message: string): never {
    throw new JsonPathError(this.path, message);
  }

  done(): boolean {
    return this.i >= this.text.length;
  }

  peek(n = 0): string {
    return this.text[this.i + n] ?? '';
  }

  /** A path expression up to `stop` (a character that ends it, e.g. `)` or an operator) or the end. */
  steps(stopAt: (ch: string) => boolean = () => false): Step[] {
    const steps: Step[] = [];
    if (this.peek() === '$' || this.peek() === '@') this.i++;
    while (!this.done() && !stopAt(this.peek())) {
      const ch = this.peek();
      if (ch === ' ' || ch === '\t') {
        this.i++;
      } else if (ch === '.') {
        if (this.peek(1) === '.') {
          this.i += 2;
          steps.push({ kind: 'recursive' });
          if (this.peek() === '*') {
            this.i++;
            steps.push({ kind: 'wildcard' });
          } else if (this.peek() !== '[') steps.push({ kind: 'field', names: [this.fieldName()] });
        } else {
          this.i++;
          if (this.peek() === '*') {
            this.i++;
            steps.push({ kind: 'wildcard' });
          } else if (this.done() || stopAt(this.peek())) {
            // `{.}`: the current object
          } else steps.push({ kind: 'field', names: [this.fieldName()] });
        }
      } else if (ch === '[') {
        steps.push(this.bracket());
      } else if (/[A-Za-z_]/.test(ch) && steps.length === 0) {
        // `{range …}`, `{end}` and bare words are template functions client-go supports; oc-mirror paths do not.
        this.fail(`unsupported expression at ${JSON.stringify(this.text.slice(this.i))}`);
      } else {
        this.fail(`unexpected ${JSON.stringify(ch)}`);
      }
    }
    return steps;
  }

  fieldName(): string {
    let name = '';
    while (!this.done()) {
      const ch = this.peek();
      if (ch === '\\' && this.i + 1 < this.text.length) {
        name += this.peek(1);
        this.i += 2;
        continue;
      }
      if (TERMINATORS.has(ch) || ch === ')' || ch === '=' || ch === '!' || ch === '<' || ch === '>') break;
      name += ch;
      this.i++;
    }
    if (name === '') this.fail('missing field name');
    return name;
  }

  quoted(): string {
    const quote = this.peek();
    this.i++;
    let out = '';
    while (!this.done() && this.peek() !== quote) {
      if (this.peek() === '\\') this.i++;
      out += this.peek();
      this.i++;
    }
    if (this.done()) this.fail('unterminated string');
    this.i++;
    return out;
  }

  bracket(): Step {
    this.i++; // [
    const close = () => {
      while (this.peek() === ' ') this.i++;
      if (this.peek() !== ']') this.fail('missing "]"');
      this.i++;
    };
    while (this.peek() === ' ') this.i++;
    if (this.peek() === '*') {
      this.i++;
      close();
      return { kind: 'slice' };
    }
    if (this.peek() === '?') {
      this.i++;
      if (this.peek() !== '(') this.fail('expected "(" after "?"');
      this.i++;
      const step = this.filter();
      if (this.peek() !== ')') this.fail('missing ")"');
      this.i++;
      close();
      return step;
    }
    if (this.peek() === "'" || this.peek() === '"') {
      const names = [this.quoted()];
      while (this.peek() === ',') {
        this.i++;
        while (this.peek() === ' ') this.i++;
        names.push(this.quoted());
      }
      close();
      return { kind: 'field', names };
    }
    const end = this.text.indexOf(']', this.i);
    if (end < 0) this.fail('missing "]"');
    const body = this.text.slice(this.i, end).replace(/\s+/g, '');
    this.i = end + 1;
    const int = (s: string | undefined) => {
      if (s === undefined || s === '') return undefined;
      if (!/^-?\d+$/.test(s)) this.fail(`invalid array index ${JSON.stringify(s)}`);
      return Number(s);
    };
    if (body.includes(':')) {
      const [start, stop, step] = body.split(':');
      return { kind: 'slice', start: int(start), end: int(stop), step: int(step) };
    }
    return { kind: 'index', indexes: body.split(',').map((s) => int(s) ?? this.fail('empty array index')) };
  }

  operand(): Operand {
    while (this.peek() === ' ') this.i++;
    const ch = this.peek();
    if (ch === "'" || ch === '"') return { kind: 'literal', value: this.quoted() };
    if (ch === '@' || ch === '$') {
      return { kind: 'path', steps: this.steps((c) => c === ')' || c === ' ' || '=!<>'.includes(c)) };
    }
    const m = /^(-?\d+(?:\.\d+)?|true|false)/.exec(this.text.slice(this.i));
    if (!m?.[1]) this.fail('invalid filter operand');
    this.i += m[1].length;
    return { kind: 'literal', value: m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1]) };
  }

  filter(): Step {
    const left = this.operand();
    while (this.peek() === ' ') this.i++;
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.i))?.[1];
    if (!op) return { kind: 'filter', left };
    this.i += op.length;
    const right = this.operand();
    while (this.peek() === ' ') this.i++;
    return { kind: 'filter', left, op, right };
  }
}

/** Parses a JSONPath template such as `{.spec.containers[*].image}`; throws {@link JsonPathError}. */
export function parseJsonPath(path: string): JsonPath {
  const segments: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    const open = path.indexOf('{', i);
    if (open < 0) {
      segments.push({ kind: 'text', text: path.slice(i) });
      break;
    }
    if (open > i) segments.push({ kind: 'text', text: path.slice(i, open) });
    const close = findClose(path, open);
    if (close < 0) throw new JsonPathError(path, 'unclosed action');
    const inner = path.slice(open + 1, close).trim();
    const parser = new Parser(inner, path);
    const steps = parser.steps();
    segments.push({ kind: 'expr', steps });
    i = close + 1;
  }
  return { source: path, segments };
}

function findClose(path: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '}') return i;
  }
  return -1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) {
    return Object.keys(value)
      .sort()
      .map((k) => value[k]);
  }
  return [];
}

function descendants(value: unknown, out: unknown[]): void {
  out.push(value);
  for (const child of children(value)) descendants(child, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || (typeof a === 'number' && typeof b === 'number' && a === b);
    case '!=':
      return a !== b;
    default:
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      if (op === '<') return (a as number) < (b as number);
      if (op === '>') return (a as number) > (b as number);
      if (op === '<=') return (a as number) <= (b as number);
      return (a as number) >= (b as number);
  }
}

function operandValues(operand: Operand, current: unknown, path: string): unknown[] {
  return operand.kind === 'literal' ? [operand.value] : evaluate(operand.steps, [current], path);
}

function evaluate(steps: readonly Step[], input: unknown[], path: string): unknown[] {
  let current = input;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s] as Step;
    const next: unknown[] = [];
    switch (step.kind) {
      case 'field':
        for (const v of current) {
          if (!isRecord(v)) continue;
          for (const name of step.names) if (Object.hasOwn(v, name)) next.push(v[name]);
        }
        break;
      case 'wildcard':
        for (const v of current) next.push(...children(v));
        break;
      case 'recursive':
        for (const v of current) descendants(v, next);
        break;
      case 'index':
        for (const v of current) {
          if (v === null || v === undefined) continue;
          if (!Array.isArray(v)) throw new JsonPathError(path, 'indexing something that is not an array or slice');
          for (const raw of step.indexes) {
            const i = raw < 0 ? raw + v.length : raw;
            if (i < 0 || i >= v.length) {
              throw new JsonPathError(path, `array index out of bounds: index ${raw}, length ${v.length}`);
            }
            next.push(v[i]);
          }
        }
        break;
      case 'slice':
        for (const v of current) {
          if (v === null || v === undefined) continue;
          if (!Array.isArray(v)) throw new JsonPathError(path, 'indexing something that is not an array or slice');
          let start = step.start ?? 0;
          let end = step.end ?? v.length;
          if (start < 0) start += v.length;
          if (end < 0) end += v.length;
          if (end === start) continue;
          if (start < 0 || start >= v.length || end < 0 || end > v.length || start > end) {
            throw new JsonPathError(path, `array index out of bounds: ${start}:${end}, length ${v.length}`);
          }
          const stride = step.step ?? 1;
          if (stride <= 0) throw new JsonPathError(path, 'step must be > 0');
          for (let i = start; i < end; i += stride) next.push(v[i]);
        }
        break;
      case 'filter':
        for (const v of current) {
          for (const item of Array.isArray(v) ? v : isRecord(v) ? children(v) : []) {
            const left = operandValues(step.left, item, path);
            if (step.op === undefined || step.right === undefined) {
              if (left.length > 0) next.push(item);
              continue;
            }
            const right = operandValues(step.right, item, path);
            const op = step.op;
            if (left.some((l) => right.some((r) => compare(l, op, r)))) next.push(item);
          }
        }
        break;
    }
    current = next;
  }
  return current;
}

/** client-go's text for one result. */
function printResult(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'object') return toGoJson(value);
  return String(value);
}

/**
 * Runs a parsed path on a decoded document and returns its text, as `kubectl -o jsonpath` prints it. Nulls print
 * nothing (client-go prints `<nil>`, which is never an image either).
 */
export function executeJsonPath(path: JsonPath, document: unknown): string {
  let out = '';
  for (const segment of path.segments) {
    if (segment.kind === 'text') out += segment.text;
    else {
      out += evaluate(segment.steps, [document], path.source)
        .filter((v) => v !== null && v !== undefined)
        .map(printResult)
        .join(' ');
    }
  }
  return out;
}
