/** The GoDist node's timing flags, as the node reads them: what its failure detector and client timeouts follow. */
import type { DetectorTimings } from '../types.js';

export const DEFAULT_TIMINGS: DetectorTimings = { heartbeatMs: 200, suspectAfterMs: 1000, deadAfterMs: 3000, requestTimeoutMs: 500 };

const TIMING_FLAGS: Record<string, keyof DetectorTimings> = {
  '--heartbeat-ms': 'heartbeatMs',
  '--suspect-after-ms': 'suspectAfterMs',
  '--dead-after-ms': 'deadAfterMs',
  '--request-timeout-ms': 'requestTimeoutMs',
};

/** The timings a run's nodes used: the defaults (docs/node.md), overridden by `--node-arg` flags. */
export function nodeTimings(nodeArgs: readonly string[]): DetectorTimings {
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
