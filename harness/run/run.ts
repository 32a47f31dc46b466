import path from 'node:path';
import type { ClusterObservations } from '../checks/observations.js';
import type { RunResults } from '../checks/result.js';
import { runChecks } from '../checks/run-checks.js';
import type { HistoryOp } from '../history/op.js';
import { createHistoryWriter } from '../history/writer.js';
import { onCleanup } from '../process/cleanup.js';
import { sleep } from '../process/node-processes.js';
import { writeReport } from '../report/build-report.js';
import { writeIndex } from './results-index.js';
import type { Cluster } from '../systems/types.js';
import { workloads } from '../../workloads/index.js';
import { startClusterSampler, waitForOneLeader, type ClusterSampler, type SamplingSummary } from './cluster-sampler.js';
import { createRunFolder, observationsOf, pointLatestAt, readNodeEvents, toolVersion, writeJson, type RunInfo } from './folder.js';
import { planFaults } from './nemesis-plan.js';
import { startNemesis } from './nemesis.js';
import { ownershipProbe, type OwnershipProbe } from './ownership-probe.js';
import { showProgress } from './progress.js';
import { createRandom } from '../shared/random.js';
import { launchCluster } from './launch.js';
import { finalReads, runWorkload, type Tally } from './runner.js';
import { describeRun, preflight, runLabel, systemOf } from './run-settings.js';
import { runStaleness } from './predict-staleness.js';
import { nodeIds, type RunSettings } from './settings.js';

export interface RunOptions {
  resultsRoot: string;
  /** Where the progress line goes; none when undefined. */
  progress?: NodeJS.WriteStream;
  /** The command line that reproduces the run, kept in run.json and the report. */
  command?: string;
  /** A name for the folder in place of the workload (compare and regress use it). */
  label?: string;
  /** Called with the run's folder as soon as it exists. */
  onFolder?: (dir: string) => void;
  /**
   * Sample every running node's view every `intervalMs` (default 150 ms) into cluster.jsonl, for
   * the election and failure-detector checks; false: do not (those checks are then left out).
   * Measured cost: docs/lessons.md, "What sampling costs".
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
 * One whole run: launch the system's cluster, drive the workload while the nemesis plays its
 * schedule, heal, read every key back, stop everything, check the history, write results.json.
 * Whatever happens, every process started here is gone when this returns or throws.
 */
export async function runTest(settings: RunSettings, options: RunOptions): Promise<RunOutcome> {
  const system = systemOf(settings);
  const workload = workloads[settings.workload];
  if (!workload) throw new Error(`unknown workload ${settings.workload}`);
  preflight([settings]);
  const dir = createRunFolder(options.resultsRoot, runLabel(settings, options.label));
  options.onFolder?.(dir);
  const history = createHistoryWriter(path.join(dir, 'history.jsonl'));
  const random = createRandom(settings.seed);
  const ids = nodeIds(settings.nodes);
  const runJson: RunInfo = {
    tool: 'godist',
    version: toolVersion(),
    sut: system.name,
    command: options.command ?? null,
    startedAt: new Date().toISOString(),
    node: process.version,
    settings,
    // Wall-clock ms of the history's time 0: lines the nodes' logs (epoch ms) up with the history.
    historyEpochMs: history.epochMs,
    status: 'running',
  };
  const client = system.client(settings.system, settings);
  const tally: Tally = { ok: 0, fail: 0, info: 0 };
  let origin: number | undefined;
  let currentFault: () => string | undefined = () => undefined;
  let cluster: Cluster | undefined;
  let sampler: ClusterSampler | undefined;
  let sampling: SamplingSummary | undefined;
  let ownership: OwnershipProbe | undefined;
  const progress = options.progress
    ? showProgress(options.progress, () => ({
        elapsedS: history.now() / 1e9,
        ...(origin !== undefined && workloadRunning ? { workloadS: (history.now() - origin) / 1e9 } : {}),
        timeLimitS: settings.timeLimit,
        tally,
        fault: currentFault(),
      }))
    : { phase: () => {}, stop: () => {} };
  let workloadRunning = false;
  progress.phase('starting');

  writeJson(path.join(dir, 'run.json'), runJson);
  // latest and the index follow a run from its start, so that an interrupted one is found again.
  pointLatestAt(options.resultsRoot, dir);
  writeIndex(options.resultsRoot);
  const forgetNotice = onCleanup(() => {
    writeJson(path.join(dir, 'run.json'), { ...runJson, status: 'interrupted' });
    writeIndex(options.resultsRoot);
    process.stderr.write(`\ngodist: interrupted; the history so far is in ${path.join(dir, 'history.jsonl')}; check it with the run's own checks and build its report: godist report ${dir}\n`);
  });
  try {
    cluster = await launchCluster(settings, { dir, random: random.fork('proxy-jitter').next });
    runJson.nodes = cluster.addresses;
    writeJson(path.join(dir, 'run.json'), runJson);
    await cluster.startAll();
    const view = system.view;
    const sampled = view
      ? { ids: () => cluster!.ids, running: (id: string) => cluster!.state(id) === 'running', addr: (id: string) => cluster!.addresses[id]!, view }
      : undefined;
    if (sampled && options.clusterSampling !== false) {
      // Begin from a settled election, so that what the election check finds is the faults' doing.
      if ((await waitForOneLeader(sampled, 5000)) === undefined) process.stderr.write('godist: the nodes did not agree on a leader within 5 s; running anyway\n');
      sampler = startClusterSampler({
        ...sampled,
        now: () => history.now(),
        file: path.join(dir, 'cluster.jsonl'),
        ...(options.clusterSampling?.intervalMs ? { intervalMs: options.clusterSampling.intervalMs } : {}),
      });
    }

    origin = history.now();
    workloadRunning = true;
    progress.phase('running');
    const plan = planFaults({
      kinds: settings.nemesis,
      interval: settings.nemesisInterval,
      timeLimit: settings.timeLimit,
      nodes: ids,
      maxNodes: settings.maxNodes,
      random: random.fork('nemesis'),
      ...(settings.targets.length > 0 ? { targets: settings.targets } : {}),
    });
    if (system.ownership && settings.nemesis.includes('membership')) {
      ownership = ownershipProbe({ cluster, ownership: system.ownership, now: () => history.now(), file: path.join(dir, 'ownership.jsonl') });
    }
    const started = origin;
    const nemesis = startNemesis({
      plan,
      cluster,
      history,
      origin: started,
      ...(ownership ? { ownership } : {}),
      // A node that joined is on record at once, so that an interrupted run still names every process.
      onMembersChanged: () => {
        runJson.nodes = { ...cluster!.addresses };
        writeJson(path.join(dir, 'run.json'), runJson);
      },
    });
    currentFault = nemesis.current;
    const ctx = { settings, cluster, client, history, workload, random, tally };
    const nextProcess = await runWorkload(ctx, () => history.now() - started >= settings.timeLimit * 1e9);

    workloadRunning = false;
    progress.phase('healing');
    await nemesis.stop();
    await cluster.waitUntilReady(20_000).catch((error: Error) => {
      process.stderr.write(`godist: ${error.message}; reading anyway\n`);
    });
    // Let in-flight replication and asynchronous read repair land before the final reads.
    await sleep(1000);
    progress.phase('final reads');
    await finalReads(ctx, nextProcess);
    sampling = await sampler?.stop();
  } finally {
    if (sampler && !sampling) await sampler.stop();
    ownership?.close();
    progress.stop();
    client.close();
    await cluster?.stop();
    history.close();
  }

  // Nodes that joined during the run: every node's address stays on record.
  if (cluster) runJson.nodes = { ...cluster.addresses };
  if (sampling) {
    const { start, end, intervalMs, timeoutMs, asked, samples, missed, rttMs } = sampling;
    runJson.clusterSampling = { intervalMs, timeoutMs, start, end, asked, samples, missed, rttMs } as RunInfo['clusterSampling'];
  }
  runJson.status = 'done';
  // The checks take the CPU: the clock cannot tick through them, so the phase is shown as they begin.
  progress.phase('checking');
  // The nodes have exited, so their logs are complete; the samples are in hand already.
  const observations: ClusterObservations | undefined =
    sampling && sampler ? observationsOf([...sampler.samples], readNodeEvents(dir, history.epochMs, system.logEvents), sampling) : undefined;
  const results = await runChecks(history.ops, settings, {
    system,
    model: workload.model,
    ...(observations ? { observations } : {}),
    ...(ownership ? { ownership: ownership.observations } : {}),
  });
  progress.stop();
  writeJson(path.join(dir, 'results.json'), results);
  writeJson(path.join(dir, 'run.json'), runJson);
  forgetNotice();
  // The verdict is on disk already: a fault in drawing the pages must not turn it into a crash.
  try {
    const prediction = runStaleness(settings, history.ops).prediction;
    writeReport(dir, { run: runJson, settings, system: describeRun(settings), history: history.ops, results, observations: observations ?? null, prediction });
    writeIndex(options.resultsRoot);
  } catch (error) {
    process.stderr.write(`godist: could not build the report (${error instanceof Error ? (error.stack ?? error.message) : String(error)}); rebuild it with: godist report ${dir}\n`);
  }
  return { dir, results, history: history.ops };
}
