/**
 * `.helmignore` rules (helm's `pkg/ignore`), applied when a chart is loaded from a directory. A packaged `.tgz`
 * was filtered when it was built, so archives are read without rules, as Helm does.
 *
 * Semantics copied from Helm, quirks included: one pattern per line, `#` comments, `**` is rejected, a trailing
 * `/` matches directories only, a leading `/` anchors at the chart root, a pattern with a `/` is matched against
 * the whole relative path, one without against the base name only. Patterns use Go's `filepath.Match`. For a
 * negated rule (`!pattern`) Helm ignores every path the pattern does NOT match, which is odd but is what it does.
 * Helm always adds `templates/.?*` (hidden files under templates/).
 */

interface Rule {
  readonly negate: boolean;
  readonly mustDir: boolean;
  readonly match: (path: string) => boolean;
}

/** Ignore rules of one chart directory. */
export interface HelmIgnoreRules {
  /** Whether `path` (relative, `/`-separated, no trailing slash) is left out of the chart. */
  ignores(path: string, isDirectory: boolean): boolean;
}

/** Go's `filepath.Match` pattern as an anchored RegExp; throws on a malformed pattern, like Go. */
export function goMatchRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\') {
      i++;
      if (i >= pattern.length) throw new Error(`syntax error in pattern ${JSON.stringify(pattern)}`);
      out += escapeRegExp(pattern[i] as string);
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) throw new Error(`syntax error in pattern ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\]\\^]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else out += escapeRegExp(ch);
  }
  return new RegExp(`${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

function parseRule(line: string): Rule | undefined {
  let rule = line.trim();
  if (rule === '' || rule.startsWith('#')) return undefined;
  if (rule.includes('**')) throw new Error('double-star (**) syntax is not supported');
  goMatchRegExp(rule); // fail early on a malformed pattern, as Helm does
  const negate = rule.startsWith('!');
  if (negate) rule = rule.slice(1);
  const mustDir = rule.endsWith('/');
  if (mustDir) rule = rule.slice(0, -1);
  if (rule.startsWith('/')) {
    const re = goMatchRegExp(rule.slice(1));
    return { negate, mustDir, match: (path) => re.test(path) };
  }
  const re = goMatchRegExp(rule);
  if (rule.includes('/')) return { negate, mustDir, match: (path) => re.test(path) };
  return { negate, mustDir, match: (path) => re.test(baseName(path)) };
}

/** Rules from a `.helmignore` text (empty text = only Helm's default rule). Throws on an invalid pattern. */
export function parseHelmIgnore(text: string): HelmIgnoreRules {
  const rules: Rule[] = [];
  for (const line of text.split(/\r?\n/)) {
    const rule = parseRule(line);
    if (rule) rules.push(rule);
  }
  const hidden = parseRule('templates/.?*');
  if (hidden) rules.push(hidden);
  return {
    ignores(path, isDirectory) {
      if (path === '' || path === '.' || path === './') return false;
      for (const rule of rules) {
        if (rule.negate) {
          if (rule.mustDir && !isDirectory) return true;
          if (!rule.match(path)) return true;
          continue;
        }
        if (rule.mustDir && !isDirectory) continue;
        if (rule.match(path)) return true;
      }
      return false;
    },
  };
}
