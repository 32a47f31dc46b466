import path from 'node:path';
import { onCleanup } from '../process/cleanup.js';
import { sleep } from '../process/node-processes.js';
import { nodeTimings, readObservations } from '../checks/observations.js';
import { startClusterSampler, waitForOneLeader, type ClusterSampler, type SamplingSummary } from './cluster-sampler.js';
import type { HistoryOp } from '../history/op.js';
import { createHistoryWriter } from '../history/writer.js';
import { planFaults } from './nemesis-plan.js';
import { startNemesis } from './nemesis.js';
import { showProgress } from './progress.js';
import { createRandom } from './random.js';
import { createRunFolder, pointLatestAt, toolVersion, writeJson } from './folder.js';
import { runChecks, type RunResults } from '../checks/run-checks.js';
import { writeReport } from '../report/build-report.js';
import type { RunInfo } from '../report/report-data.js';
import { writeIndex } from '../report/index-page.js';
import { finalReads, runWorkload, type Tally } from './runner.js';
import { settingsLabel, type RunSettings } from './settings.js';
import { godist } from '../systems/godist/index.js';
import type { SystemUnderTest } from '../systems/types.js';
import { createSystem } from './system.js';
import { workloads } from '../../workloads/index.js';

export interface RunOptions {
  resultsRoot: string;
  sut?: SystemUnderTest;
  /** Where the progress line goes; none when undefined. */
  progress?: NodeJS.WriteStream;
  /** The command line that reproduces the run, kept in run.json and the report. */
  command?: string;
  /** A name for the folder in place of the workload (compare and regress use it). */
  label?: string;
  /** Called with the run's folder as soon as it exists. */
  onFolder?: (dir: string) => void;
  /**
   * Sample every running node's /cluster/status into cluster.jsonl every `intervalMs` (default
   * 150 ms), for the election and failure-detector checks; false: do not (those checks are then left
   * out). Measured cost: docs/lessons.md, "What sampling costs".
   */
  clusterSampling?: false | { intervalMs?: number };
}

export interface RunOutcome {
  dir: string;
  results: RunResults;
  /** The history as recorded (also in the folder's history.jsonl). */
  history: readonly HistoryOp[];
}

/**
 * One whole run: start the cluster behind the proxies, drive the workload while the nemesis plays
 * its schedule, heal, read every key back, stop everything, check the history, write results.json.
 * Whatever happens, every process started here is gone when this returns or throws.
 */
export async function runTest(settings: RunSettings, options: RunOptions): Promise<RunOutcome> {
  const sut = options.sut ?? godist;
  const workload = workloads[settings.workload];
  if (!workload) throw new Error(`unknown workload ${settings.workload}`);
  const nemesisLabel = settings.nemesis.length > 0 ? settings.nemesis.join('+') : 'none';
  const dir = createRunFolder(options.resultsRoot, `${options.label ?? settings.workload}-${settingsLabel(settings)}-${nemesisLabel}`);
  options.onFolder?.(dir);
  const history = createHistoryWriter(path.join(dir, 'history.jsonl'));
  const forgetNotice = onCleanup(() => {
    process.stderr.write(`\ngodist: interrupted; the history so far is in ${path.join(dir, 'history.jsonl')} (check it: godist check ${dir})\n`);
  });
  const random = createRandom(settings.seed);
  const system = await createSystem({
    sut,
    settings,
    logDir: path.join(dir, 'nodes'),
    ...(settings.durable ? { dataDir: (id: string) => path.join(dir, 'nodes', `${id}-data`) } : {}),
    random: random.fork('proxy-jitter').next,
  });
  const { ids, cluster, proxies } = system;
  const runJson: RunInfo & Record<string, unknown> = {
    tool: 'godist',
    version: toolVersion(),
    sut: sut.name,
    command: options.command ?? null,
    startedAt: new Date().toISOString(),
    node: process.version,
    settings,
    nodes: system.addresses,
    // Wall-clock ms of the history's time 0: lines the nodes' logs (epoch ms) up with the history.
    historyEpochMs: history.epochMs,
  };
  writeJson(path.join(dir, 'run.json'), runJson);
  const client = sut.client({ timeoutMs: clientTimeoutMs(settings), maxSocketsPerNode: settings.concurrency });
  const tally: Tally = { ok: 0, fail: 0, info: 0 };
  let phase = 'starting';
  let origin = history.now();
  let currentFault: () => string | undefined = () => undefined;
  let sampler: ClusterSampler | undefined;
  let sampling: SamplingSummary | undefined;
  const sampled = {
    ids,
    running: (id: string) => cluster.state(id) === 'running',
    addr: (id: string) => cluster.addr(id),
    view: (addr: string, timeoutMs: number) => sut.clusterView(addr, timeoutMs),
  };
  const stopProgress = options.progress
    ? showProgress(options.progress, () => ({
        elapsedS: (history.now() - origin) / 1e9,
        timeLimitS: settings.timeLimit,
        tally,
        fault: currentFault(),
        phase,
      }))
    : () => {};

  try {
    await system.start();
    if (options.clusterSampling !== false) {
      // Begin from a settled election, so that what the election check finds is the faults' doing.
      if ((await waitForOneLeader(sampled, 5000)) === undefined) process.stderr.write('godist: the nodes did not agree on a leader within 5 s; running anyway\n');
      sampler = startClusterSampler({
        ...sampled,
        now: () => history.now(),
        file: path.join(dir, 'cluster.jsonl'),
        ...(options.clusterSampling?.intervalMs ? { intervalMs: options.clusterSampling.intervalMs } : {}),
      });
    }

    phase = 'running';
    origin = history.now();
    const plan = planFaults({
      kinds: settings.nemesis,
      interval: settings.nemesisInterval,
      timeLimit: settings.timeLimit,
      nodes: ids,
      random: random.fork('nemesis'),
      ...(settings.targets.length > 0 ? { targets: settings.targets } : {}),
    });
    const nemesis = startNemesis({ plan, cluster, proxies, history, origin });
    currentFault = nemesis.current;
    const ctx = { settings, cluster, client, history, workload, random, tally };
    const nextProcess = await runWorkload(ctx, () => history.now() - origin >= settings.timeLimit * 1e9);

    phase = 'healing';
    await nemesis.stop();
    await cluster.waitUntilConverged(20_000).catch((error: Error) => {
      process.stderr.write(`godist: ${error.message}; reading anyway\n`);
    });
    // Let in-flight replication and asynchronous read repair land before the final reads.
    await sleep(1000);
    phase = 'final reads';
    await finalReads(ctx, nextProcess);
    sampling = await sampler?.stop();
  } finally {
    if (sampler && !sampling) await sampler.stop();
    stopProgress();
    client.close();
    await system.stop();
    history.close();
    forgetNotice();
  }

  if (sampling) {
    const { start, end, intervalMs, timeoutMs, asked, samples, missed, rttMs } = sampling;
    runJson['clusterSampling'] = { intervalMs, timeoutMs, start, end, asked, samples, missed, rttMs };
    writeJson(path.join(dir, 'run.json'), runJson);
  }
  // The nodes have exited, so their logs are complete.
  const observations = sampling ? readObservations(dir) : undefined;
  const results = runChecks(history.ops, settings, observations);
  writeJson(path.join(dir, 'results.json'), results);
  pointLatestAt(options.resultsRoot, dir);
  // The verdict is on disk already: a fault in drawing the pages must not turn it into a crash.
  try {
    writeReport(dir, { run: runJson, history: history.ops, results, observations: observations ?? null });
    writeIndex(options.resultsRoot);
  } catch (error) {
    process.stderr.write(`godist: could not build the report (${error instanceof Error ? (error.stack ?? error.message) : String(error)}); rebuild it with: godist report ${dir}\n`);
  }
  return { dir, results, history: history.ops };
}

/**
 * Longer than the node's slowest honest answer (a version read, then a write, each bounded by the
 * node's request timeout), so that only a node that is stuck or cut off times the client out.
 */
function clientTimeoutMs(settings: RunSettings): number {
  return Math.max(1000, 3 * nodeTimings(settings.nodeArgs).requestTimeoutMs + 500);
}
