/**
 * The real Cincinnati answers copied from oc-mirror (test/fixtures/upstream/PROVENANCE.md), and helpers that
 * derive other channels' graphs from them the way the update service builds a channel graph: the nodes whose
 * channel metadata lists the channel, and the edges among those nodes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseUpdateGraph, type UpdateGraph } from '../../../core/collect/release/cincinnati-graph.js';

export const CINCINNATI_FIXTURES = fileURLToPath(
  new URL('../../../../test/fixtures/upstream/cincinnati/', import.meta.url),
);

/** `amd64-stable-4.13.json`: the stable-4.13 graph (4.12.0 … 4.13.43, 98 nodes). */
export const STABLE_413_FILE = `${CINCINNATI_FIXTURES}amd64-stable-4.13.json`;
/** `graph-4.14-4.15.json`: every node lists stable-4.15 (4.14.0 … 4.15.23, 55 nodes). */
export const STABLE_415_FILE = `${CINCINNATI_FIXTURES}graph-4.14-4.15.json`;

export function readBody(file: string): string {
  return readFileSync(file, 'utf8');
}

export function loadGraph(file: string): UpdateGraph {
  return parseUpdateGraph(readBody(file), file);
}

/** The sub-graph of the nodes whose metadata lists `channel`, with the edges among them (indexes remapped). */
export function channelSubgraph(graph: UpdateGraph, channel: string): UpdateGraph {
  const kept = new Map<number, number>();
  const nodes = graph.nodes.filter((n, i) => {
    if (!n.channels.includes(channel)) return false;
    kept.set(i, kept.size);
    return true;
  });
  const edges = graph.edges
    .filter(([from, to]) => kept.has(from) && kept.has(to))
    .map(([from, to]): [number, number] => [kept.get(from)!, kept.get(to)!]);
  return { nodes, edges };
}

/** The union of two graphs (edges kept within each; no edge between them is invented). */
export function unionGraph(a: UpdateGraph, b: UpdateGraph): UpdateGraph {
  const offset = a.nodes.length;
  return {
    nodes: [...a.nodes, ...b.nodes],
    edges: [...a.edges, ...b.edges.map(([from, to]): [number, number] => [from + offset, to + offset])],
  };
}

export function versionsOf(nodes: { version: string }[]): string[] {
  return nodes.map((n) => n.version);
}
