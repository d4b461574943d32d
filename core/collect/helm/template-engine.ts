/**
 * The Go text/template engine Helm charts are rendered with: `@promptctl/go-template-js` (MIT, a TypeScript
 * re-implementation of Go's text/template), adjusted where it differs from Go in ways charts notice
 * (helm-rendering.md §4). The package is not edited: each engine instance gets its own replacements of a few
 * evaluator methods, which call the package's originals for everything else.
 *
 * 1. Assignment (`$x = value`) inside `range`/`with` must change the outer variable. go-template-js 0.9.0 always
 *    declares the variable in the innermost scope, so bitnami `common.tplvalues.merge` (`$dst = … | merge $dst`
 *    inside `range`) yields `{}` and the alias fixture chart fails. The fix: for an assignment, set the value in
 *    the nearest enclosing scope that already holds the name (the current one if none does); `:=` still declares.
 *    Reported upstream as a bug; the probe in {@link createTemplateEngine} fails loudly if the package internals
 *    this relies on ever change.
 * 2. `{{template "x" .y}}`: in Go `$` inside `x` is `.y`; the package keeps the caller's `$`.
 * 3. Variables declared inside `if`/`with` end at that block's `{{end}}` in Go; the package lets them leak out.
 * 4. Methods with arguments (`.Capabilities.APIVersions.Has "v1"`, `.Files.Get "f"`): the package refuses
 *    arguments after a field; Go calls the method. A function-valued field with arguments (or a piped value) is
 *    called here.
 * 5. Printing follows Go's `%v` (float64 e-notation, `map[k:v]`, `[a b]`), see go-format.ts.
 * 6. An unknown function is a parse error in Go (even in a branch never taken); the package reports it only
 *    when executed. {@link parseTemplate} checks at parse time.
 */
import {
  createEngine,
  EvalError,
  ParseError,
  TemplateError,
  type Defines,
  type Engine,
  type FuncMap,
  type Template,
} from '@promptctl/go-template-js';
import { goValueString } from './go-format.js';

interface Pos {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** The package's evaluator scope (src/evaluator/scope.ts). */
interface Scope {
  dot: unknown;
  root: unknown;
  parent: Scope | undefined;
  vars: Map<string, unknown>;
}

interface AstNode {
  readonly type: string;
  readonly pos: Pos;
}
interface VariableNode extends AstNode {
  readonly idents: readonly string[];
}
interface PipeNode extends AstNode {
  readonly decls: readonly VariableNode[];
  readonly isAssign: boolean;
  readonly cmds: readonly CommandNode[];
}
interface CommandNode extends AstNode {
  readonly args: readonly AstNode[];
}
interface IdentifierNode extends AstNode {
  readonly ident: string;
}
interface BranchNode extends AstNode {
  readonly pipe?: PipeNode;
}
interface EvalContext {
  readonly out: string[];
  readonly source: string;
}
type Piped = { readonly kind: 'none' } | { readonly kind: 'value'; readonly value: unknown };

/** The evaluator methods replaced per instance. They are private in the package's typings. */
interface EngineInternals {
  evalPipe(pipe: PipeNode, scope: Scope, ctx: EvalContext): unknown;
  evalCommand(cmd: CommandNode, scope: Scope, ctx: EvalContext, piped: Piped): unknown;
  evalPrimary(node: AstNode, scope: Scope, ctx: EvalContext): unknown;
  evalIf(node: BranchNode, scope: Scope, ctx: EvalContext): void;
  evalWith(node: BranchNode, scope: Scope, ctx: EvalContext): void;
  evalTemplateInvoke(node: BranchNode, scope: Scope, ctx: EvalContext): void;
  evalBlock(node: BranchNode, scope: Scope, ctx: EvalContext): void;
  emitFromValue(value: unknown, ctx: EvalContext): void;
}

/** The package methods the fixes wrap or call; their absence means the package internals changed. */
const REQUIRED_METHODS: readonly (keyof EngineInternals)[] = [
  'evalPipe',
  'evalCommand',
  'evalPrimary',
  'evalIf',
  'evalWith',
  'evalTemplateInvoke',
  'evalBlock',
  'emitFromValue',
];

/**
 * Raised by a function that evaluates another template (`include`, `tpl`) when that template failed. The
 * evaluator records where the call was ({@link callSite}); the chain of calls ends in the original
 * {@link TemplateError}, so a message can name every file and line on the way.
 */
export class NestedTemplateError extends Error {
  /** What was called: `include "name"`, `tpl`. */
  readonly call: string;
  readonly inner: TemplateError | NestedTemplateError;
  /** Source text and position of the call; set by the evaluator that ran the call. */
  callSite?: { source: string; pos: Pos };
  constructor(call: string, inner: TemplateError | NestedTemplateError) {
    super(`error calling ${call}: ${inner.message}`);
    this.name = 'NestedTemplateError';
    this.call = call;
    this.inner = inner;
  }
}

/** The pieces of `$x` for a declaration. */
function varName(decl: VariableNode): string {
  return decl.idents[0] ?? '$';
}

function childScope(scope: Scope): Scope {
  return { dot: scope.dot, root: scope.root, parent: scope, vars: new Map() };
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Installs the Go-compatibility replacements on one engine instance. */
function patchEngine(engine: Engine<string>): void {
  const self = engine as unknown as EngineInternals;
  const proto = Object.getPrototypeOf(engine) as EngineInternals;
  for (const name of REQUIRED_METHODS) {
    if (typeof proto[name] !== 'function') {
      throw new Error(`@promptctl/go-template-js internals changed (no ${name}); the Helm engine fix needs updating`);
    }
  }
  const original = {
    evalPipe: proto.evalPipe,
    evalCommand: proto.evalCommand,
    evalIf: proto.evalIf,
    evalWith: proto.evalWith,
    evalTemplateInvoke: proto.evalTemplateInvoke,
    evalBlock: proto.evalBlock,
  };

  // (1) `$x = v` assigns to the nearest scope declaring `$x`.
  self.evalPipe = function (pipe, scope, ctx) {
    if (!pipe.isAssign || pipe.decls.length === 0) return original.evalPipe.call(this, pipe, scope, ctx);
    const value = original.evalPipe.call(this, { ...pipe, decls: [], isAssign: false }, scope, ctx);
    for (const decl of pipe.decls) {
      const name = varName(decl);
      let holder: Scope | undefined = scope;
      while (holder !== undefined && !holder.vars.has(name)) holder = holder.parent;
      (holder ?? scope).vars.set(name, value);
    }
    return value;
  };

  // (4) method calls with arguments; any non-template error of a function becomes an error at the call site.
  self.evalCommand = function (cmd, scope, ctx, piped) {
    const head = cmd.args[0];
    try {
      if (
        head !== undefined &&
        (head.type === 'Field' || head.type === 'Chain' || head.type === 'Variable') &&
        (cmd.args.length > 1 || piped.kind === 'value')
      ) {
        const target = this.evalPrimary(head, scope, ctx);
        if (typeof target === 'function') {
          const args = cmd.args.slice(1).map((n) => this.evalPrimary(n, scope, ctx));
          if (piped.kind === 'value') args.push(piped.value);
          return (target as (...a: unknown[]) => unknown)(...args);
        }
      }
      return original.evalCommand.call(this, cmd, scope, ctx, piped);
    } catch (err) {
      if (err instanceof NestedTemplateError) {
        err.callSite ??= { source: ctx.source, pos: cmd.pos };
        throw err;
      }
      if (err instanceof TemplateError) throw err;
      const name = head?.type === 'Identifier' ? (head as IdentifierNode).ident : 'method';
      throw new EvalError(`error calling ${name}: ${describeError(err)}`, cmd.pos, { source: ctx.source });
    }
  };

  // (3) `if`/`with` get their own variable scope.
  self.evalIf = function (node, scope, ctx) {
    original.evalIf.call(this, node, childScope(scope), ctx);
  };
  self.evalWith = function (node, scope, ctx) {
    original.evalWith.call(this, node, childScope(scope), ctx);
  };

  // (2) a template invocation starts with `$` = its argument and no variables of the caller.
  const invoke = (fn: EngineInternals['evalTemplateInvoke'], that: EngineInternals) =>
    function (node: BranchNode, scope: Scope, ctx: EvalContext): void {
      const value = node.pipe ? that.evalPipe(node.pipe, scope, ctx) : scope.dot;
      const fresh: Scope = { dot: value, root: value, parent: undefined, vars: new Map() };
      fn.call(that, { ...node, pipe: undefined }, fresh, ctx);
    };
  self.evalTemplateInvoke = invoke(original.evalTemplateInvoke, self);
  self.evalBlock = invoke(original.evalBlock, self);

  // (5) Go's %v printing; nil prints `<no value>` (which Helm then strips).
  self.emitFromValue = function (value, ctx) {
    ctx.out.push(value === null || value === undefined ? '<no value>' : goValueString(value));
  };
}

/** Go-template source of the probe that proves the assignment fix is active. */
const ASSIGNMENT_PROBE = '{{ $x := "outer" }}{{ range .list }}{{ $x = . }}{{ end }}{{ $x }}';

/**
 * An engine over `funcs` (the package's built-ins are added by the package) with Go's printing and the fixes
 * above. Throws if the package no longer behaves as the fixes assume.
 */
export function createTemplateEngine(funcs: FuncMap): Engine<string> {
  const engine = createEngine<string>({
    fromString: (s) => s,
    toString: (v) => goValueString(v),
    // Only strings are the output type; everything else is printed the way Go prints it.
    isT: (v): v is string => typeof v === 'string',
    missingKey: 'zero',
    funcs,
  });
  patchEngine(engine);
  const probe = engine
    .parse(ASSIGNMENT_PROBE)
    .evaluate({ list: ['inner'] })
    .join('');
  if (probe !== 'inner') {
    throw new Error(`@promptctl/go-template-js: the variable assignment fix did not take effect (got ${probe})`);
  }
  return engine;
}

/** 1-based line and column of `offset` in `source`. */
function positionAt(source: string, offset: number): Pos {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n'), offset };
}

/**
 * Parses like Go: besides syntax errors, a call of a function that is not registered is a parse error, wherever
 * it is (Go's parser resolves function names; the package only at execution).
 */
export function parseTemplate(
  engine: Engine<string>,
  funcs: FuncMap,
  source: string,
  inherit?: Defines,
): Template<string> {
  const template = engine.parse(source, inherit);
  for (const name of template.referencedFunctions()) {
    if (Object.hasOwn(funcs, name) || BUILTINS.has(name)) continue;
    const match = new RegExp(`(?<![\\w.$])${name.replace(/[$]/g, '\\$')}(?![\\w])`).exec(source);
    throw new ParseError(`function ${JSON.stringify(name)} not defined`, positionAt(source, match?.index ?? 0), {
      source,
    });
  }
  return template;
}

/** Go text/template's own functions, which the package always registers. */
const BUILTINS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'len',
  'index',
  'slice',
  'print',
  'println',
  'printf',
  'call',
  'html',
  'js',
  'urlquery',
  'toString',
  'toStrings',
]);
