/** What the semantic checks (§1.11 and our extras) need: where things are, and what already failed to decode. */
import type { ProblemList, SourcePosition } from './config-problems.js';

export interface ValidationContext {
  problems: ProblemList;
  positions: Map<string, { key?: SourcePosition; value: SourcePosition }>;
  /** Paths that failed to decode: no further checks on them. */
  broken: Set<string>;
  kind: 'ImageSetConfiguration' | 'DeleteImageSetConfiguration';
}

function parentPath(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut > 0 ? path.slice(0, cut) : undefined;
}

/** Position of the value at `path`, or of its nearest located ancestor. */
export function valueAt(ctx: ValidationContext, path: string): SourcePosition {
  for (let p: string | undefined = path; p; p = parentPath(p)) {
    const found = ctx.positions.get(p);
    if (found) return found.value;
  }
  return { line: 1, column: 1 };
}

/** Position of the key naming `path` (list items: the item), or of its nearest located ancestor. */
export function keyAt(ctx: ValidationContext, path: string): SourcePosition {
  for (let p: string | undefined = path; p; p = parentPath(p)) {
    const found = ctx.positions.get(p);
    if (found) return found.key ?? found.value;
  }
  return { line: 1, column: 1 };
}

export function errorAt(ctx: ValidationContext, path: string, message: string): void {
  ctx.problems.error(valueAt(ctx, path), path, message);
}

export function warnAt(ctx: ValidationContext, path: string, message: string): void {
  ctx.problems.warn(valueAt(ctx, path), path, message);
}

export function errorAtKey(ctx: ValidationContext, path: string, message: string): void {
  ctx.problems.error(keyAt(ctx, path), path, message);
}

export function warnAtKey(ctx: ValidationContext, path: string, message: string): void {
  ctx.problems.warn(keyAt(ctx, path), path, message);
}

/** A value worth checking: present and decoded without error. */
export function usable(ctx: ValidationContext, path: string, value: unknown): boolean {
  return value !== undefined && !ctx.broken.has(path);
}
