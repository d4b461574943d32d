/**
 * The catalog filter digest (core.md §8.4, collectors.md §2.10): the MD5 of oc-mirror's Go JSON encoding of the
 * `operators[]` entry, used as the tag of the rebuilt catalog and as the `filtered-catalogs/<digest>/` directory.
 * Reproduced byte for byte so that working directories and archives made by oc-mirror are reused.
 *
 * Before encoding, `targetCatalog`, `targetTag` and `targetCatalogSourceTemplate` are cleared and `catalog`
 * becomes `<name>@sha256:<catalog digest>`, `<name>` being the reference without transport, tag or digest
 * (oc-mirror's `ParseRef` name; the path for `oci://`). A catalog that does not parse is left as written, as in
 * oc-mirror. The legacy digest (older oc-mirror versions) skips that normalisation.
 */
import { createHash } from 'node:crypto';
import type { IncludeChannel, IncludePackage, Operator } from '../../config/image-set-config.js';
import { parseImageReference, repositoryName } from '../../reference/image-reference.js';

/**
 * The exact JSON oc-mirror hashes for `op`, with the catalog normalised to `catalogDigestHex` (the catalog
 * image's manifest digest, hex only; a `sha256:` prefix is tolerated). An empty digest skips the normalisation.
 *
 * Field order and omission follow the Go struct tags: `packages` always (`null` when absent, `[]` when written
 * empty), `catalog` always, then `targetCatalog`, `targetTag`, `full`, `skipDependencies`,
 * `targetCatalogSourceTemplate`, `platforms` only when set; package `name` always, then `channels`,
 * `defaultChannel`, `minVersion`, `maxVersion` when set; channel `name`, `minVersion`, `maxVersion`;
 * platform `os`, `architecture`.
 */
export function catalogFilterJson(op: Operator, catalogDigestHex: string): string {
  const hex = catalogDigestHex.startsWith('sha256:') ? catalogDigestHex.slice('sha256:'.length) : catalogDigestHex;
  let catalog = op.catalog ?? '';
  if (catalog !== '' && hex !== '') {
    try {
      catalog = `${repositoryName(parseImageReference(catalog))}@sha256:${hex}`;
    } catch {
      // oc-mirror keeps the catalog as written when ParseRef fails.
    }
  }
  const fields: string[] = [
    `"packages":${op.packages === undefined ? 'null' : `[${op.packages.map(packageJson).join(',')}]`}`,
    `"catalog":${goJsonString(catalog)}`,
  ];
  // targetCatalog, targetTag and targetCatalogSourceTemplate are blanked, hence omitted.
  if (op.full) fields.push('"full":true');
  if (op.skipDependencies) fields.push('"skipDependencies":true');
  if (op.platforms && op.platforms.length > 0) {
    const platforms = op.platforms.map(
      (p) => `{"os":${goJsonString(p.os ?? '')},"architecture":${goJsonString(p.architecture ?? '')}}`,
    );
    fields.push(`"platforms":[${platforms.join(',')}]`);
  }
  return `{${fields.join(',')}}`;
}

/** The filter digest: 32 lower-case hex characters. */
export function catalogFilterDigest(op: Operator, catalogDigestHex: string): string {
  return md5Hex(catalogFilterJson(op, catalogDigestHex));
}

/** The digest older oc-mirror versions used (catalog as written), probed when looking for existing results. */
export function legacyCatalogFilterDigest(op: Operator): string {
  return md5Hex(catalogFilterJson(op, ''));
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function packageJson(p: IncludePackage): string {
  const fields = [`"name":${goJsonString(p.name ?? '')}`];
  if (p.channels && p.channels.length > 0) fields.push(`"channels":[${p.channels.map(channelJson).join(',')}]`);
  if (p.defaultChannel) fields.push(`"defaultChannel":${goJsonString(p.defaultChannel)}`);
  pushBounds(fields, p);
  return `{${fields.join(',')}}`;
}

function channelJson(c: IncludeChannel): string {
  const fields = [`"name":${goJsonString(c.name ?? '')}`];
  pushBounds(fields, c);
  return `{${fields.join(',')}}`;
}

function pushBounds(fields: string[], bounds: { minVersion?: string; maxVersion?: string }): void {
  if (bounds.minVersion) fields.push(`"minVersion":${goJsonString(bounds.minVersion)}`);
  if (bounds.maxVersion) fields.push(`"maxVersion":${goJsonString(bounds.maxVersion)}`);
}

/**
 * A string as Go's encoding/json writes it (HTML escaping on): `"` `\` and `\b \f \n \r \t` escaped with a
 * backslash, other control characters as `\u00xx`, `<` `>` `&` U+2028 U+2029 as `\uXXXX`, invalid UTF-16
 * (lone surrogates, which Go would see as invalid UTF-8) as `\ufffd`; everything else verbatim.
 */
export function goJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
      } else {
        out += '\\ufffd';
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    out += escapeCodeUnit(c, text[i]);
  }
  return `${out}"`;
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

function escapeCodeUnit(c: number, ch: string): string {
  const short = SHORT_ESCAPES[c];
  if (short) return short;
  if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
    return `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return ch;
}
