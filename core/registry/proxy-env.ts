/**
 * `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` as Go's net/http (and so oc-mirror) reads them: upper case
 * first, then lower case; https URLs use only HTTPS_PROXY, http URLs only HTTP_PROXY. Loopback
 * addresses never go through a proxy (the local cache registry and test registries live there).
 */

/** The proxy URL for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(hostname)) return undefined;
  const proxy =
    url.protocol === 'https:'
      ? env.HTTPS_PROXY || env.https_proxy
      : url.protocol === 'http:'
        ? env.HTTP_PROXY || env.http_proxy
        : undefined;
  if (!proxy) return undefined;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  if (excludedByNoProxy(hostname, port, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  // Go accepts `host:port` without scheme and treats it as http://.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * NO_PROXY entries: `*` (everything), `host`, `.domain` / `*.domain` / `domain` (the domain and its
 * subdomains), optionally with `:port`, and IPv4 CIDR blocks (`10.0.0.0/8`).
 */
export function excludedByNoProxy(hostname: string, port: number, noProxy: string): boolean {
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(hostname, entry)) return true;
      continue;
    }
    const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, ''));
    const host = (match?.[1] ?? entry).replace(/^\*?\./, '');
    const entryPort = match?.[2] ? Number(match[2]) : undefined;
    if (entryPort !== undefined && entryPort !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return true;
  }
  return false;
}

function inCidr(hostname: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4ToInt(hostname);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4ToInt(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}
