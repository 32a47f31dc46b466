/**
 * What the harness saw of the cluster's own view, beside the history: the samples of each node's
 * `/cluster/status` (`cluster.jsonl`) and the events in the nodes' own logs (`nodes/<id>.log`), both
 * on the history's time base (ns since the run began). The election and failure-detector checks read
 * these as plain data; this file parses and reads them, and nothing else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MemberState } from '../systems/types.js';

/** One answer of one node to `GET /cluster/status`: a line of cluster.jsonl. */
export interface ClusterSample {
  /** ns since the run began, when the harness sent the request (the view is from that moment or a little later). */
  time: number;
  node: string;
  /** Who the node believes leads; itself when it believes it leads. */
  leader: string | null;
  /** The node's member table as it reported it (itself included). */
  members: { id: string; state: MemberState; lastHeardMs?: number }[];
  /** ms from the request to the whole answer. */
  rttMs?: number;
}

/**
 * One line of a node's own log that bears on its view: `started` (a new process: no leader yet,
 * every member it was given alive), `member-joined`, `alive`/`suspect`/`dead` (a peer's state
 * changed), `stalled` (the node itself did not run for `gapMs`), `leader-elected`, `stopped`.
 */
export interface NodeEvent {
  /** ns since the run began (the log's epoch-ms `t` moved onto the history's time base). */
  time: number;
  node: string;
  event: string;
  peer?: string;
  from?: string;
  silenceMs?: number;
  reason?: string;
  leader?: string;
  gapMs?: number;
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

const VIEW_EVENTS = new Set(['started', 'member-joined', 'alive', 'suspect', 'dead', 'stalled', 'leader-elected', 'stopped']);

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
    if (typeof raw.time !== 'number' || typeof raw.node !== 'string' || !Array.isArray(raw.members)) continue;
    samples.push({
      time: raw.time,
      node: raw.node,
      leader: typeof raw.leader === 'string' ? raw.leader : null,
      members: raw.members,
      ...(typeof raw.rttMs === 'number' ? { rttMs: raw.rttMs } : {}),
    });
  }
  return samples.sort((a, b) => a.time - b.time);
}

/**
 * One node's log text → the events that bear on its view, on the history's time base. `epochMs` is
 * the wall-clock time of the history's time 0 (run.json `historyEpochMs`). Lines that are not JSON
 * (a crash's stack trace) are skipped.
 */
export function parseNodeLog(text: string, epochMs: number): NodeEvent[] {
  const events: NodeEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const { t, node, event } = raw;
    if (typeof t !== 'number' || typeof node !== 'string' || typeof event !== 'string' || !VIEW_EVENTS.has(event)) continue;
    const e: NodeEvent = { time: Math.round((t - epochMs) * 1e6), node, event };
    for (const k of ['peer', 'from', 'reason', 'leader'] as const) if (typeof raw[k] === 'string') e[k] = raw[k] as string;
    for (const k of ['silenceMs', 'gapMs'] as const) if (typeof raw[k] === 'number') e[k] = raw[k] as number;
    events.push(e);
  }
  return events;
}

/** run.json's fields this needs. */
interface RunJson {
  historyEpochMs?: number;
  clusterSampling?: { intervalMs?: number; start?: number; end?: number } | null;
}

/**
 * The observations of a run folder, or undefined when it has none (sampling was off, or the run
 * predates it). Node logs are read only when run.json gives the history's epoch.
 */
export function readObservations(dir: string): ClusterObservations | undefined {
  const file = path.join(dir, 'cluster.jsonl');
  if (!existsSync(file)) return undefined;
  const run = readJson<RunJson>(path.join(dir, 'run.json')) ?? {};
  const samples = parseClusterSamples(readFileSync(file, 'utf8'));
  const events: NodeEvent[] = [];
  const nodesDir = path.join(dir, 'nodes');
  if (typeof run.historyEpochMs === 'number' && existsSync(nodesDir)) {
    for (const name of readdirSync(nodesDir).sort()) {
      if (name.endsWith('.log')) events.push(...parseNodeLog(readFileSync(path.join(nodesDir, name), 'utf8'), run.historyEpochMs));
    }
  }
  events.sort((a, b) => a.time - b.time);
  const sampling = run.clusterSampling ?? {};
  const start = typeof sampling.start === 'number' ? sampling.start : (samples[0]?.time ?? 0);
  const end = typeof sampling.end === 'number' ? sampling.end : (samples.at(-1)?.time ?? start);
  return { samples, events, window: { start, end }, intervalMs: typeof sampling.intervalMs === 'number' ? sampling.intervalMs : 150 };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The node timing flags that shape failure detection and elections, as the node reads them. */
export interface NodeTimings {
  heartbeatMs: number;
  suspectAfterMs: number;
  deadAfterMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_TIMINGS: NodeTimings = { heartbeatMs: 200, suspectAfterMs: 1000, deadAfterMs: 3000, requestTimeoutMs: 500 };

const TIMING_FLAGS: Record<string, keyof NodeTimings> = {
  '--heartbeat-ms': 'heartbeatMs',
  '--suspect-after-ms': 'suspectAfterMs',
  '--dead-after-ms': 'deadAfterMs',
  '--request-timeout-ms': 'requestTimeoutMs',
};

/** The timings a run's nodes used: the defaults (docs/node.md), overridden by `--node-arg` flags. */
export function nodeTimings(nodeArgs: readonly string[]): NodeTimings {
  const t = { ...DEFAULT_TIMINGS };
  for (let i = 0; i < nodeArgs.length; i++) {
    const arg = nodeArgs[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = TIMING_FLAGS[flag.replace(/^-(?=[a-z])/, '--')];
    if (!key) continue;
    const value = Number(eq > 0 ? arg.slice(eq + 1) : nodeArgs[++i]);
    if (Number.isFinite(value) && value > 0) t[key] = value;
  }
  return t;
}
