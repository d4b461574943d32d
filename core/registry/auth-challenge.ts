/**
 * `WWW-Authenticate` parsing (RFC 7235): a registry answers 401 with one or more challenges such as
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`.
 * Commas separate both parameters and challenges, so a token not followed by `=` starts a new challenge.
 */

export interface AuthChallenge {
  /** Lower-case scheme: `basic`, `bearer`, … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Every challenge in the header (an empty list for an empty or unreadable header). */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const s = header;
  let pos = 0;
  const challenges: AuthChallenge[] = [];

  const skip = (chars: string) => {
    while (pos < s.length && chars.includes(s[pos])) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < s.length && TOKEN_CHAR.test(s[pos])) pos++;
    return s.slice(start, pos);
  };
  // Lenient: an unquoted value runs to the next comma or space (some servers leave URLs unquoted).
  const readBare = (): string => {
    const start = pos;
    while (pos < s.length && s[pos] !== ',' && s[pos] !== ' ' && s[pos] !== '\t') pos++;
    return s.slice(start, pos);
  };
  const readQuoted = (): string => {
    pos++; // opening quote
    let out = '';
    while (pos < s.length && s[pos] !== '"') {
      if (s[pos] === '\\' && pos + 1 < s.length) pos++;
      out += s[pos++];
    }
    pos++; // closing quote
    return out;
  };

  while (pos < s.length) {
    skip(' \t,');
    const scheme = readToken();
    if (!scheme) {
      pos++; // not a token character: skip it rather than loop forever
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(' \t');
      const mark = pos;
      const name = readToken();
      skip(' \t');
      if (!name || s[pos] !== '=') {
        pos = mark; // the next challenge's scheme: leave it to the outer loop
        break;
      }
      pos++; // '='
      skip(' \t');
      const value = s[pos] === '"' ? readQuoted() : readBare();
      challenge.params[name.toLowerCase()] = value;
      skip(' \t');
      if (s[pos] === ',') {
        pos++;
        continue;
      }
      break;
    }
  }
  return challenges;
}

/** The first challenge of `scheme` (case-insensitive), if any. */
export function findChallenge(challenges: AuthChallenge[], scheme: string): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === scheme.toLowerCase());
}
