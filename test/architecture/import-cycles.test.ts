/**
 * The import graph of core/, components/ and source/ is one-way: no module imports (directly or through
 * others) a module that imports it back. Scans the TypeScript sources, so type-only imports (`import type`)
 * and lazy `import()`s count too: a cycle through types still ties the modules' designs together, and a lazy
 * import back into the dispatcher is a cycle that only hides until run time. A failure names every cycle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { moduleSpecifiers, REPO_ROOT, sourceFiles } from './source-scan.js';

const root = REPO_ROOT;
const SCANNED = ['core', 'components', 'source'];

/** Relative module specifiers of one file: static imports, re-exports, `import type`, `import()`. */
function importSpecifiers(text: string): string[] {
  return moduleSpecifiers(text).filter((s) => s.startsWith('.'));
}

/** `./x.js` from `dir` → the .ts/.tsx source file, or undefined for anything outside the scanned sources. */
function resolveSource(dir: string, spec: string): string | undefined {
  const base = resolve(dir, spec).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Strongly connected components with more than one module (or a module importing itself), by Tarjan. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return out;
}

/** One concrete cycle through the component's first module: `a.ts → b.ts → a.ts`. */
function cyclePath(graph: Map<string, string[]>, component: string[]): string {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start].join(' → ');
      }
      if (!seen.has(w)) {
        seen.add(w);
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

test('the import graph of core/, components/ and source/ has no cycles', async () => {
  const graph = new Map<string, string[]>();
  for (const top of SCANNED) {
    for (const file of await sourceFiles(join(root, top))) {
      const text = await readFile(file, 'utf8');
      const targets = importSpecifiers(text)
        .map((spec) => resolveSource(dirname(file), spec))
        .filter((t): t is string => t !== undefined)
        .map((t) => relative(root, t));
      graph.set(relative(root, file), [...new Set(targets)]);
    }
  }
  assert.ok(graph.size > 100, `expected the sources, found ${graph.size} files`);
  const cycles = cyclesOf(graph).map((component) => {
    const modules = component.length > 2 ? ` (${component.length} modules: ${component.join(', ')})` : '';
    return `import cycle: ${cyclePath(graph, component)}${modules}`;
  });
  assert.equal(cycles.length, 0, `\n${cycles.join('\n')}\n`);
});

test('the cycle finder names a cycle and ignores a one-way graph', () => {
  const oneWay = new Map([
    ['main.ts', ['parse.ts', 'cmd.ts']],
    ['cmd.ts', ['parse.ts']],
    ['parse.ts', []],
  ]);
  assert.deepEqual(cyclesOf(oneWay), []);
  const cyclic = new Map([
    ['main.ts', ['cmd.ts']],
    ['cmd.ts', ['types.ts']],
    ['types.ts', ['main.ts']],
  ]);
  const found = cyclesOf(cyclic);
  assert.deepEqual(found, [['cmd.ts', 'main.ts', 'types.ts']]);
  assert.equal(cyclePath(cyclic, found[0]), 'cmd.ts → types.ts → main.ts → cmd.ts');
  assert.deepEqual(importSpecifiers("import type { A } from './a.js';\nconst b = await import('../b.js');"), [
    './a.js',
    '../b.js',
  ]);
});
