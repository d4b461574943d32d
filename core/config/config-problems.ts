/** Collects located errors and warnings while a configuration is checked, so all of them can be reported at once. */
import type { ConfigProblem } from '../errors.js';

/** 1-based line and column in the configuration file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where a value (and the key naming it) sits in the file, by dotted path such as `mirror.operators[0].catalog`. */
export interface SourceMap {
  /** Position of the value at `path` (the key's when the value is empty). */
  value(path: string): SourcePosition | undefined;
  /** Position of the key naming the value at `path` (list items: the item). */
  key(path: string): SourcePosition | undefined;
}

export class ProblemList {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];

  constructor(readonly file: string) {}

  error(at: SourcePosition, path: string, message: string): void {
    this.errors.push({ file: this.file, line: at.line, column: at.column, message, path });
  }

  warn(at: SourcePosition, path: string, message: string): void {
    this.warnings.push({ file: this.file, line: at.line, column: at.column, message, path });
  }
}

/** Problems in file order (line, then column); equal positions keep the order they were found in. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.line - b.p.line || a.p.column - b.p.column || a.i - b.i)
    .map(({ p }) => p);
}

/** Identical problems (same place, same text) reported once, like Kubernetes' aggregate errors. */
export function dedupeProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
