import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Cluster } from '../systems/types.js';
import { systemOf } from './run-settings.js';
import { nodeIds, type RunSettings } from './settings.js';

/**
 * The system's cluster for these settings, its files under `dir/nodes/` (logs, data dirs); no node
 * runs until `startAll()`. `godist run` and the benchmarks start clusters this one way.
 */
export function launchCluster(settings: RunSettings, o: { dir: string; random?: () => number }): Promise<Cluster> {
  const nodesDir = path.join(o.dir, 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  return systemOf(settings).launch(
    {
      ids: nodeIds(settings.nodes),
      dir: o.dir,
      logFile: (id) => path.join(nodesDir, `${id}.log`),
      dataDir: (id) => path.join(nodesDir, `${id}-data`),
      random: o.random ?? Math.random,
    },
    settings.system,
    settings,
  );
}
