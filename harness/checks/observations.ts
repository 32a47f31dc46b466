/**
 * What the harness saw of the cluster's own view, beside the history: samples of each node's view as
 * the system shows it (`cluster.jsonl`) and the events in the nodes' own logs (`nodes/<id>.log`, read
 * by the system that knows their words), both on the history's time base (ns since the run began).
 * The election and failure-detector checks read these as plain data.
 */
import type { ClusterView, NodeEvent } from '../systems/types.js';

export { NODE_EVENT_NAMES, type NodeEvent, type NodeEventName } from '../systems/types.js';

/** One node's answer when asked for its view: a line of cluster.jsonl. */
export interface ClusterSample {
  /** ns since the run began, when the harness sent the request (the view is from that moment or a little later). */
  time: number;
  node: string;
  /** Who the node believes leads; itself when it believes it leads. */
  leader: string | null;
  /** The node's member table as it reported it (itself included); empty when the system shows none. */
  members: NonNullable<ClusterView['members']>;
  /** The election term it reported, for systems that number their elections. */
  term?: number;
  /** ms from the request to the whole answer. */
  rttMs?: number;
}

export interface ClusterObservations {
  samples: ClusterSample[];
  /** Empty when the nodes' logs were not read (another system under test, or an old run folder). */
  events: NodeEvent[];
  /** The span the harness was sampling: [start, end] in ns; views outside it are not judged. */
  window: { start: number; end: number };
  /** The sampler's period (ms): how far apart two samples of one node are when all is well. */
  intervalMs: number;
}

/** cluster.jsonl's text → samples, in time order. A last line cut short (a crashed run) is skipped. */
export function parseClusterSamples(text: string): ClusterSample[] {
  const samples: ClusterSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let raw: Partial<ClusterSample>;
    try {
      raw = JSON.parse(line) as Partial<ClusterSample>;
    } catch {
      continue;
    }
    if (typeof raw.time !== 'number' || typeof raw.node !== 'string') continue;
    samples.push({
      time: raw.time,
      node: raw.node,
      leader: typeof raw.leader === 'string' ? raw.leader : null,
      members: Array.isArray(raw.members) ? raw.members : [],
      ...(typeof raw.term === 'number' ? { term: raw.term } : {}),
      ...(typeof raw.rttMs === 'number' ? { rttMs: raw.rttMs } : {}),
    });
  }
  return samples.sort((a, b) => a.time - b.time);
}

