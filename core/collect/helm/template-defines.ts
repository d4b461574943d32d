/**
 * Named templates (`{{define "x"}}…{{end}}`) across all template files of a chart and its subcharts, resolved the
 * way Helm resolves them, for an engine that cannot.
 *
 * Helm parses every file into one Go template set, in the order of `sortTemplates` (deepest path first, then
 * reverse-lexicographic), and a later definition of a name replaces an earlier one, except that an empty body
 * never replaces a non-empty one. So the parent chart's helpers beat its subcharts' and three copies of bitnami
 * `common` coexist. go-template-js treats a second definition as a parse error, so the losing blocks are removed
 * here before parsing (helm-rendering.md §4, problem 2). Every file is also a template named by its path
 * (`include (print $.Template.BasePath "/configmap.yaml") .`), which Helm gets for free from `t.New(path)`.
 *
 * The sources built here keep every line where it was, so engine errors point at the right line of the file.
 */

/** One top-level `{{define "name"}}…{{end}}` block; offsets into the file's text. */
export interface DefineBlock {
  readonly name: string;
  /** Offset of the define's `{{`. */
  readonly start: number;
  /** Offset just past the matching `{{end}}`'s `}}`. */
  readonly end: number;
  /** The define action opened with `{{-`: it trims the whitespace before it. */
  readonly trimLeft: boolean;
  /** The end action closed with `-}}`: it trims the whitespace after it. */
  readonly trimRight: boolean;
  /** The body is only whitespace and comments (Go's `IsEmptyTree`). */
  readonly empty: boolean;
}

/** A template file of the chart tree, named by its full path (`mychart/charts/redis/templates/x.yaml`). */
export interface TemplateSource {
  readonly path: string;
  readonly text: string;
}

/** A source to hand to the engine; `lineOneShift` columns of line 1 belong to a generated prefix. */
export interface PreparedSource {
  readonly path: string;
  readonly text: string;
  readonly lineOneShift: number;
}

const CONTROL_OPENERS = new Set(['if', 'range', 'with', 'block', 'define']);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Offset of the `}}` closing the action whose content starts at `from`, skipping quoted text; -1 if none. */
function actionEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i++;
      while (i < text.length && text[i] !== ch && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (ch === '}' && text[i + 1] === '}') {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** The name of `define "name"` (a Go interpreted or raw string literal), or undefined. */
function defineName(content: string): string | undefined {
  const m = /^define\s+("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(content);
  if (!m?.[1]) return undefined;
  const literal = m[1];
  if (literal.startsWith('`')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

interface Action {
  start: number;
  end: number;
  trimLeft: boolean;
  trimRight: boolean;
  /** Keyword or first word; '' for comments. */
  keyword: string;
  content: string;
}

/** The actions of a template text, in order; stops at an unterminated action (the parser reports it). */
function scanActions(text: string): Action[] {
  const actions: Action[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let p = open + 2;
    const trimLeft = text[p] === '-' && isSpace(text[p + 1]);
    if (trimLeft) p += 2;
    let close: number;
    let keyword = '';
    let content = '';
    if (text.startsWith('/*', p)) {
      const commentEnd = text.indexOf('*/', p + 2);
      if (commentEnd < 0) break;
      close = text.indexOf('}}', commentEnd + 2);
    } else {
      close = actionEnd(text, p);
      content = close < 0 ? '' : text.slice(p, close).trim();
      if (content.endsWith('-') && isSpace(text[close - 2])) content = content.slice(0, -1).trim();
      keyword = /^[A-Za-z_]\w*/.exec(content)?.[0] ?? '';
    }
    if (close < 0) break;
    const trimRight = text[close - 1] === '-' && isSpace(text[close - 2]);
    actions.push({ start: open, end: close + 2, trimLeft, trimRight, keyword, content });
    i = close + 2;
  }
  return actions;
}

/** The top-level define blocks of one template file. */
export function scanDefines(text: string): DefineBlock[] {
  const blocks: DefineBlock[] = [];
  let depth = 0;
  let open: { name: string; action: Action } | undefined;
  for (const action of scanActions(text)) {
    if (CONTROL_OPENERS.has(action.keyword)) {
      if (depth === 0 && action.keyword === 'define') {
        const name = defineName(action.content);
        if (name !== undefined) open = { name, action };
      }
      depth++;
    } else if (action.keyword === 'end') {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && open) {
        // Go's IsEmptyTree: nothing but whitespace text (comments are not kept in the tree).
        const body = text.slice(open.action.end, action.start).replace(COMMENT_ACTION, '');
        blocks.push({
          name: open.name,
          start: open.action.start,
          end: action.end,
          trimLeft: open.action.trimLeft,
          trimRight: action.trimRight,
          empty: body.trim() === '',
        });
        open = undefined;
      }
    }
  }
  return blocks;
}

const COMMENT_ACTION = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g;

/** Only the newlines of `text`, so that removing it keeps the line numbers of what follows. */
function newlinesOf(text: string): string {
  return text.replace(/[^\n]/g, '');
}

/** `text` with every non-newline character turned into a space: same lines and columns, no content. */
function blankOut(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/** A comment action standing in for a removed block: same trimming, same number of lines, no output. */
function placeholder(block: DefineBlock, original: string): string {
  return `{{${block.trimLeft ? '- ' : ''}/*${newlinesOf(original)}*/${block.trimRight ? ' -' : ''}}}`;
}

/** Helm's `sortTemplates` order: more `/` first, ties in reverse-lexicographic order. */
export function helmParseOrder<T extends { path: string }>(files: readonly T[]): T[] {
  const depth = (p: string) => p.split('/').length - 1;
  return [...files].sort((a, b) => {
    const d = depth(b.path) - depth(a.path);
    if (d !== 0) return d;
    return a.path < b.path ? 1 : a.path > b.path ? -1 : 0;
  });
}

/**
 * The engine sources for a chart tree's template files, in Helm's parse order: for each file, its winning
 * defines (everything else blanked) and its body as a template named by its path (all defines replaced by
 * comments). Parsing them in order into one chain gives exactly Helm's template set.
 */
export function prepareTemplateSources(files: readonly TemplateSource[]): PreparedSource[] {
  const ordered = helmParseOrder(files);
  const scanned = ordered.map((file) => ({ file, blocks: scanDefines(file.text) }));

  const winners = new Map<string, DefineBlock>();
  for (const { blocks } of scanned) {
    for (const block of blocks) {
      const current = winners.get(block.name);
      if (current && block.empty && !current.empty) continue;
      winners.set(block.name, block);
    }
  }

  const out: PreparedSource[] = [];
  for (const { file, blocks } of scanned) {
    const kept = blocks.filter((b) => winners.get(b.name) === b);
    if (kept.length > 0) {
      let definesText = '';
      let at = 0;
      for (const block of kept) {
        definesText += blankOut(file.text.slice(at, block.start)) + file.text.slice(block.start, block.end);
        at = block.end;
      }
      definesText += blankOut(file.text.slice(at));
      out.push({ path: file.path, text: definesText, lineOneShift: 0 });
    }

    const opener = `{{define ${JSON.stringify(file.path)}}}`;
    let body = opener;
    let at = 0;
    for (const block of blocks) {
      body += file.text.slice(at, block.start) + placeholder(block, file.text.slice(block.start, block.end));
      at = block.end;
    }
    body += `${file.text.slice(at)}{{end}}`;
    out.push({ path: file.path, text: body, lineOneShift: opener.length });
  }
  return out;
}
