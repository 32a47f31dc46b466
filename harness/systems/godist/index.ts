/**
 * GoDist, the reference node of this project, as a system under test: everything the harness needs
 * to know about it, and nothing the harness needs to know elsewhere.
 */
import type { SystemUnderTest } from '../types.js';
import { createSeedApiClient } from './client.js';
import { explainGodist } from './explain.js';
import { parseNodeLog } from './log-events.js';
import { godistPromises } from './promises.js';
import {
  GODIST_OPTIONS,
  GODIST_SETTING_SYNTAX,
  describeGodist,
  godistFlags,
  godistLabel,
  godistSettings,
  parseGodistSetting,
  type GodistSettings,
} from './settings.js';
import { nodeTimings } from './timings.js';
import { replicaTimings, traceLines, type ReplicaTrace } from './trace.js';
import { fetchClusterView } from './view.js';
import { fetchOwnership } from './membership.js';

export const godist: SystemUnderTest<GodistSettings> = {
  name: 'godist',
  summary: 'the reference node of this project (N/R/W quorums, read repair, Bully election)',
  options: GODIST_OPTIONS,
  settings: godistSettings,
  flags: godistFlags,
  label: godistLabel,
  describe: describeGodist,
  parseSetting: parseGodistSetting,
  settingSyntax: GODIST_SETTING_SYNTAX,
  ops: ['read', 'write'],
  faults: ['kill', 'pause', 'partition', 'delay', 'membership'],
  promises: godistPromises,
  quorums: ({ N, R, W }) => ({ N, R, W }),
  // Loaded when a run starts: the process machinery is most of the CLI's load time.
  launch: async (ctx, s) => (await import('./launch.js')).launchGodist(ctx, s),
  client: (s, h) => createSeedApiClient({ timeoutMs: clientTimeoutMs(s), maxSocketsPerNode: h.concurrency }),
  view: fetchClusterView,
  ownership: fetchOwnership,
  logEvents: parseNodeLog,
  detector: (s) => ({ timings: nodeTimings(s.nodeArgs), chaos: s.chaos }),
  explain: explainGodist,
  version: (trace) => {
    const v = (trace as ReplicaTrace).version;
    return typeof v === 'number' ? v : undefined;
  },
  traceLines,
  replicaTimings,
};

/**
 * Longer than the node's slowest honest answer (a version read, then a write, each bounded by the
 * node's request timeout), so that only a node that is stuck or cut off times the client out.
 */
export function clientTimeoutMs(s: GodistSettings): number {
  return Math.max(1000, 3 * nodeTimings(s.nodeArgs).requestTimeoutMs + 500);
}
