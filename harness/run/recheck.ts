import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { RunResults } from '../checks/result.js';
import { runChecks } from '../checks/run-checks.js';
import { writeReport } from '../report/build-report.js';
import { UsageError } from '../shared/usage-error.js';
import { workloads } from '../../workloads/index.js';
import { readOwnership, readRunFolder, writeJson } from './folder.js';
import { writeIndex } from './results-index.js';
import { systemOf } from './run-settings.js';

/**
 * A run folder checked again with the run's own checks (its settings' promises, its system's
 * explanations, the cluster view it sampled), from what the folder holds: what an interrupted run
 * never got to, or a finished one checked by a newer godist. Writes results.json and report.html,
 * and the results index around it.
 */
export async function recheckRunFolder(dir: string): Promise<{ dir: string; results: RunResults }> {
  const folder = readRunFolder(dir);
  if (!folder.settings) {
    throw new UsageError(`${dir}: its run.json has no settings this version can read, so its own checks cannot run; godist check ${dir} checks its history for linearizability`);
  }
  const settings = folder.settings;
  const ownership = readOwnership(dir);
  const results = await runChecks(folder.history, settings, {
    system: systemOf(settings),
    model: workloads[settings.workload]!.model,
    ...(folder.observations ? { observations: folder.observations } : {}),
    ...(ownership ? { ownership } : {}),
  });
  writeJson(path.join(dir, 'results.json'), results);
  writeJson(path.join(dir, 'run.json'), { ...folder.run, status: folder.run.status === 'running' || folder.run.status === 'interrupted' ? 'interrupted' : folder.run.status, rechecked: new Date().toISOString() });
  writeReport(dir, { ...folder, results });
  writeIndex(path.dirname(realpathSync(dir)));
  return { dir, results };
}
