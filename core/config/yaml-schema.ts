/**
 * A deliberately tiny schema language for the configuration decoder: enough to describe oc-mirror's Go structs
 * (strings, booleans, int64, lists, objects with known keys) and what we require on top.
 */

export type ValueSchema = StringSchema | BoolSchema | IntSchema | ListSchema | ObjectSchema;

export interface StringSchema {
  type: 'string';
}
export interface BoolSchema {
  type: 'bool';
}
export interface IntSchema {
  type: 'int';
}
export interface ListSchema {
  type: 'list';
  items: ValueSchema;
}
export interface ObjectSchema {
  type: 'object';
  fields: Record<string, FieldSchema>;
  /** Keys that are not accepted but deserve an explanation (oc-mirror v1 settings, removed fields). */
  retired?: Record<string, string>;
  /** When a list item of this object is written as a bare string, suggest `- <key>: <value>`. */
  shorthandKey?: string;
}
export interface FieldSchema {
  schema: ValueSchema;
  /** Missing, null or (strings) empty is an error. */
  required?: boolean;
}

export const str: StringSchema = { type: 'string' };
export const bool: BoolSchema = { type: 'bool' };
export const int: IntSchema = { type: 'int' };
export function list(items: ValueSchema): ListSchema {
  return { type: 'list', items };
}
export function object(
  fields: Record<string, ValueSchema | FieldSchema>,
  options: { retired?: Record<string, string>; shorthandKey?: string } = {},
): ObjectSchema {
  const normalised: Record<string, FieldSchema> = {};
  for (const [key, value] of Object.entries(fields)) {
    normalised[key] = 'schema' in value ? value : { schema: value };
  }
  return { type: 'object', fields: normalised, ...options };
}
export function required(schema: ValueSchema): FieldSchema {
  return { schema, required: true };
}
