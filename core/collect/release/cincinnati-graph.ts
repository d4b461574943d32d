/**
 * The Cincinnati update graph as oc-mirror reads it (collectors.md §1.2): nodes (version, payload, metadata)
 * and edges (from→to node indexes). `conditionalEdges` are deliberately dropped: oc-mirror never follows them,
 * so an upgrade path that exists only under a risk is not mirrored.
 *
 * oc-mirror decodes `nodes[].version` with blang/semver, so one malformed version makes the whole response
 * unusable; we reject it the same way, but say which version and where it came from instead of a bare
 * decoder error. Ordering follows blang: semantic-version precedence, prereleases are ordinary versions,
 * build metadata is ignored when comparing.
 */
import semver from 'semver';
import { OcmError } from '../../errors.js';

/** The metadata key listing every channel a release belongs to (comma-separated). */
export const CHANNELS_METADATA_KEY = 'io.openshift.upgrades.graph.release.channels';

export interface ReleaseNode {
  /** Strict semantic version, e.g. `4.13.43`. */
  version: string;
  /** Release payload pull spec, normally by digest. */
  payload: string;
  /** Channels named in the node's metadata (`CHANNELS_METADATA_KEY`), in the order listed. */
  channels: string[];
  metadata: Record<string, string>;
}

export interface UpdateGraph {
  nodes: ReleaseNode[];
  /** `[from, to]` indexes into `nodes`; every index is checked to be in range. */
  edges: [number, number][];
}

/** A Cincinnati answer (or a recorded copy of one) that cannot be used. Names the source in the message. */
export class GraphDataError extends OcmError {
  constructor(message: string, hint?: string) {
    super('CINCINNATI_GRAPH', message, { hint });
  }
}

/**
 * True for `X.Y.Z[-pre][+build]` as blang/semver `Parse` accepts it. npm's parser alone is too lenient here:
 * it trims spaces and takes a leading `v` or `=`, which blang (and so oc-mirror) rejects.
 */
export function isReleaseVersion(text: string): boolean {
  const parsed = semver.parse(text);
  if (!parsed) return false;
  const canonical = parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
  return canonical === text;
}

/** blang `Compare` for two versions accepted by isReleaseVersion: <0, 0 or >0. Build metadata is ignored. */
export function compareReleaseVersions(a: string, b: string): number {
  return semver.compare(a, b);
}

/**
 * Parses a graph body. `where` says where the body came from (URL and channel, or a file path) and is part of
 * every error message, because a user facing "invalid version" needs to know which graph carried it.
 */
export function parseUpdateGraph(body: string, where: string): UpdateGraph {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new GraphDataError(
      `the update graph from ${where} is not valid JSON: ${(err as Error).message}`,
      'a Cincinnati graph endpoint answers with JSON; a proxy, login page or wrong URL may have answered instead',
    );
  }
  if (!isObject(doc) || !Array.isArray(doc.nodes)) {
    throw new GraphDataError(
      `the update graph from ${where} is not a Cincinnati graph: it has no "nodes" array`,
      'check that the URL points at a Cincinnati graph endpoint (…/graph)',
    );
  }
  const nodes = doc.nodes.map((raw, i) => parseNode(raw, i, where));
  const edges = parseEdges(doc.edges, nodes.length, where);
  return { nodes, edges };
}

function parseNode(raw: unknown, index: number, where: string): ReleaseNode {
  if (!isObject(raw)) throw new GraphDataError(`the update graph from ${where}: node ${index} is not an object`);
  const { version, payload, metadata } = raw;
  if (typeof version !== 'string' || !isReleaseVersion(version)) {
    const shown = typeof version === 'string' ? `"${version}"` : String(version);
    throw new GraphDataError(
      `the update graph from ${where}: node ${index} has version ${shown}, which is not a semantic version; ` +
        'the whole response is rejected',
      'oc-mirror rejects such a graph too; if the graph comes from UPDATE_URL_OVERRIDE, fix the graph data it serves',
    );
  }
  // An empty payload would only fail much later, as an unreadable image reference with no hint of its origin.
  if (typeof payload !== 'string' || payload === '') {
    throw new GraphDataError(`the update graph from ${where}: node ${version} has no payload image`);
  }
  const meta: Record<string, string> = {};
  if (metadata !== undefined && metadata !== null) {
    if (!isObject(metadata)) {
      throw new GraphDataError(`the update graph from ${where}: node ${version} has metadata that is not an object`);
    }
    for (const [key, value] of Object.entries(metadata)) {
      // Go decodes metadata into map[string]string: any other value type fails the whole response there too.
      if (typeof value !== 'string') {
        throw new GraphDataError(
          `the update graph from ${where}: node ${version} has metadata "${key}" that is not a string`,
        );
      }
      meta[key] = value;
    }
  }
  const channels = (meta[CHANNELS_METADATA_KEY] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return { version, payload, channels, metadata: meta };
}

function parseEdges(raw: unknown, nodeCount: number, where: string): [number, number][] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new GraphDataError(`the update graph from ${where}: "edges" is not an array`);
  return raw.map((edge, i) => {
    // oc-mirror would index out of range (a panic) on a bad edge; a clear rejection is the better failure.
    if (
      !Array.isArray(edge) ||
      edge.length !== 2 ||
      !edge.every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < nodeCount)
    ) {
      throw new GraphDataError(
        `the update graph from ${where}: edge ${i} (${JSON.stringify(edge)}) is not a pair of node indexes ` +
          `below ${nodeCount}`,
      );
    }
    return [edge[0] as number, edge[1] as number];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
