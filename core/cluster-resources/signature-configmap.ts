/**
 * The release signature ConfigMap (spec core.md §5.6, collectors.md §1.7 item 8): one ConfigMap
 * `mirrored-release-signatures` in `openshift-config-managed` carrying the raw signature of every mirrored release
 * as `binaryData` `sha256-<hex>-<n>`, which the cluster-version operator of a disconnected cluster verifies
 * releases with. Written as `signature-configmap.json` (Go `json.Marshal` output: compact, struct field order,
 * map keys sorted) and `signature-configmap.yaml` (JSON → YAML, keys sorted); nothing is written without entries.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const SIGNATURE_CONFIGMAP_JSON = 'signature-configmap.json';
export const SIGNATURE_CONFIGMAP_YAML = 'signature-configmap.yaml';
export const SIGNATURE_CONFIGMAP_NAME = 'mirrored-release-signatures';
export const SIGNATURE_CONFIGMAP_NAMESPACE = 'openshift-config-managed';
export const SIGNATURE_CONFIGMAP_LABEL = 'release.openshift.io/verification-signatures';

/** The separator between the release tag and the digest hex in a `working-dir/signatures/` file name. */
const TAG_SEPARATOR = '-sha256-';

/** One release signature: the payload digest (hex, no `sha256:`) and the signature file's bytes. */
export interface SignatureEntry {
  digestHex: string;
  bytes: Uint8Array;
}

export interface SignatureConfigMapOptions {
  /** RFC 3339 UTC time written into the `createdAt` annotation. */
  createdAt: string;
  /** Written into the `oc-mirror_version` annotation. */
  version: string;
}

/**
 * The JSON and YAML texts of the ConfigMap, or undefined when `entries` is empty. Entries keep their order; one
 * whose digest is already in gets no second key; `n` counts the keys added, from 1.
 */
export function generateSignatureConfigMap(
  entries: readonly SignatureEntry[],
  opts: SignatureConfigMapOptions,
): { json: string; yaml: string } | undefined {
  const binaryData = new Map<string, string>();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.digestHex)) continue;
    seen.add(entry.digestHex);
    binaryData.set(`sha256-${entry.digestHex}-${seen.size}`, Buffer.from(entry.bytes).toString('base64'));
  }
  if (binaryData.size === 0) return undefined;
  // Field order of oc-mirror's ConfigMap struct (TypeMeta inline, then ObjectMeta); Go sorts map keys.
  const configMap = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: SIGNATURE_CONFIGMAP_NAME,
      namespace: SIGNATURE_CONFIGMAP_NAMESPACE,
      labels: { [SIGNATURE_CONFIGMAP_LABEL]: '' },
      annotations: sortedObject(
        new Map([
          ['createdBy', 'oc-mirror v2'],
          ['createdAt', opts.createdAt],
          ['oc-mirror_version', opts.version],
        ]),
      ),
    },
    binaryData: sortedObject(binaryData),
  };
  return { json: goJson(configMap), yaml: toYaml(configMap) };
}

/**
 * Writes both files into `dir` (normally `working-dir/cluster-resources`), each through a temporary file and a
 * rename; returns the paths written, none when `entries` is empty.
 */
export async function writeSignatureConfigMap(
  dir: string,
  entries: readonly SignatureEntry[],
  opts: SignatureConfigMapOptions,
): Promise<string[]> {
  const generated = generateSignatureConfigMap(entries, opts);
  if (!generated) return [];
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of [
    [SIGNATURE_CONFIGMAP_JSON, generated.json],
    [SIGNATURE_CONFIGMAP_YAML, generated.yaml],
  ] as const) {
    const path = join(dir, name);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
    written.push(path);
  }
  return written;
}

/**
 * The entries for the mirrored releases whose source tags are `releaseTags` (in that order), as oc-mirror finds
 * them: `working-dir/signatures/` files indexed by the part of the name before `-sha256-` (the last file in name
 * order wins a tag), the digest being the part after it. A tag without a file is skipped; so is an unreadable
 * file, with a warning, as is a file whose name has no `-sha256-`.
 */
export async function readSignatureEntries(
  workingDir: string,
  releaseTags: readonly string[],
  options: { onWarning?: (message: string) => void } = {},
): Promise<SignatureEntry[]> {
  const dir = join(workingDir, 'signatures');
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  const byTag = new Map<string, string>();
  for (const name of names) {
    const at = name.indexOf(TAG_SEPARATOR);
    if (at < 0) {
      options.onWarning?.(`signature file ${name} is not named <tag>-sha256-<hex>: ignored`);
      continue;
    }
    byTag.set(name.slice(0, at), name);
  }
  const entries: SignatureEntry[] = [];
  for (const tag of releaseTags) {
    const name = byTag.get(tag);
    if (name === undefined) continue;
    const digestHex = name.slice(name.indexOf(TAG_SEPARATOR) + TAG_SEPARATOR.length).split(TAG_SEPARATOR)[0];
    try {
      entries.push({ digestHex, bytes: await readFile(join(dir, name)) });
    } catch (err) {
      options.onWarning?.(
        `release signature ${name} for tag ${tag} skipped: ${(err as { code?: string }).code ?? String(err)}`,
      );
    }
  }
  return entries;
}

/** A plain object whose keys are in code-unit order, as Go's encoding/json writes a map. */
function sortedObject(map: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = map.get(key) as string;
  return out;
}

/** `JSON.stringify` with Go's escaping of `<`, `>`, `&`, U+2028 and U+2029 (they only occur inside strings). */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The layout of oc-mirror's JSON→YAML output (see idms-itms.ts): sorted keys, no folding, YAML 1.1 quoting. */
function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, sortMapEntries: true });
}
