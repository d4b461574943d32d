/**
 * `blockedImages[].name` is a Go RE2 regular expression, matched unanchored. JavaScript's RegExp is close but not
 * the same, so patterns are translated: a leading flag group `(?i)`/`(?s)`/`(?m)` becomes RegExp flags,
 * `(?P<name>…)` becomes `(?<name>…)`, `\A`/`\z` become `^`/`$`, `\Q…\E` is quoted, POSIX classes such as
 * `[[:alpha:]]` are expanded. Constructs RE2 rejects but JavaScript accepts (lookaround, backreferences) are
 * rejected, so a config we accept is one oc-mirror accepts too.
 * Not supported (rejected although RE2 accepts them): inline flags other than one leading group, flag `U`.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translate RE2 syntax to an equivalent JavaScript source and flags. Throws Error(reason) when unsupported. */
export function translateRe2(pattern: string): { source: string; flags: string } {
  let rest = pattern;
  let flags = '';
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (leading) {
    for (const flag of leading[1]) {
      if (flag === 'i' || flag === 's' || flag === 'm') {
        if (!flags.includes(flag)) flags += flag;
      } else if (flag === 'U') {
        throw new Error('flag U (ungreedy) is not supported');
      } else {
        throw new Error(`invalid or unsupported Perl syntax: (?${leading[1]})`);
      }
    }
    rest = rest.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') {
      const next = rest[i + 1];
      if (next === undefined) throw new Error('trailing backslash at end of expression');
      if (next === 'Q') {
        const end = rest.indexOf('\\E', i + 2);
        const literal = end < 0 ? rest.slice(i + 2) : rest.slice(i + 2, end);
        out += escapeLiteral(literal);
        i = end < 0 ? rest.length : end + 1;
        continue;
      }
      if (/[1-9]/.test(next) || next === 'k')
        throw new Error(`invalid escape sequence: \\${next} (RE2 has no backreferences)`);
      // RE2's one-letter Unicode classes (\pL) need braces in JavaScript.
      if ((next === 'p' || next === 'P') && rest[i + 2] !== undefined && rest[i + 2] !== '{') {
        out += `\\${next}{${rest[i + 2]}}`;
        i += 2;
        continue;
      }
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest.slice(i));
      if (posix) {
        const chars = POSIX_CLASSES[posix[2]];
        if (!chars) throw new Error(`invalid character class range: [:${posix[2]}:]`);
        if (posix[1]) throw new Error(`negated POSIX class [:^${posix[2]}:] is not supported`);
        out += chars;
        i += posix[0].length - 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (rest[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (rest[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && rest[i + 1] === '?') {
      const group = rest.slice(i);
      if (group.startsWith('(?P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (group.startsWith('(?:') || /^\(\?<[A-Za-z_]/.test(group)) {
        out += c;
        continue;
      }
      if (/^\(\?(=|!|<=|<!)/.test(group)) throw new Error('invalid or unsupported Perl syntax: lookaround assertions');
      throw new Error(`invalid or unsupported Perl syntax: ${group.slice(0, 4)}`);
    }
    out += c;
  }
  if (/\\[pP]/.test(out)) flags += 'u';
  return { source: out, flags };
}

/** Compile a blockedImages pattern. Throws Error whose message says what is wrong (without the pattern). */
export function compileBlockedImagePattern(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8: "Invalid regular expression: /src/flags: Reason" — keep the reason.
    const reason = message.slice(message.lastIndexOf(': ') + 2);
    throw new Error(reason.charAt(0).toLowerCase() + reason.slice(1));
  }
}
