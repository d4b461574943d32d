/**
 * How oc-mirror's YAML stack (sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1 rules) types a scalar.
 * We parse with the `failsafe` schema (every scalar a string) and resolve types here, so that
 * `targetTag: 1.0` is a number and `full: yes` a boolean exactly as in oc-mirror, while dates stay strings
 * (go-yaml v2 hands timestamp-looking values to untyped targets as strings).
 */
import { Scalar } from 'yaml';

export type GoScalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
/** Go strconv.ParseInt(s, 0, 64) accepted forms (underscores removed beforehand, like go-yaml v2). */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

const STR_TAG = 'tag:yaml.org,2002:str';

function parseGoInt(text: string): number {
  const negative = text.startsWith('-');
  const body = text.replace(/^[-+]/, '');
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) value = parseInt(body, 8);
  else value = parseInt(body, 10);
  return negative ? -value : value;
}

/** Resolve a plain (unquoted, untagged) scalar's text the way go-yaml v2 does. */
export function resolvePlainScalar(text: string): GoScalar {
  if (NULL_WORDS.has(text)) return { kind: 'null' };
  if (TRUE_WORDS.has(text)) return { kind: 'bool', value: true };
  if (FALSE_WORDS.has(text)) return { kind: 'bool', value: false };
  if (text in SPECIAL_FLOATS) return { kind: 'float', value: SPECIAL_FLOATS[text] };
  const first = text[0];
  if (first === '.' || first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    const plain = text.replace(/_/g, '');
    if (GO_INT.test(plain)) return { kind: 'int', value: parseGoInt(plain) };
    if (YAML_STYLE_FLOAT.test(plain)) return { kind: 'float', value: Number(plain) };
  }
  return { kind: 'string', value: text };
}

/** Resolve a scalar node (quoted and block scalars, and `!!str`, are always strings). */
export function resolveScalar(node: Scalar): GoScalar {
  const text = String(node.value ?? '');
  if (node.tag === STR_TAG) return { kind: 'string', value: text };
  if (node.type !== undefined && node.type !== Scalar.PLAIN) return { kind: 'string', value: text };
  return resolvePlainScalar(text);
}
