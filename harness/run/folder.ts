/**
 * Run folders on disk: made, pointed at by results/latest, written and read back (also the ones
 * older versions wrote). The one place that knows the folder's files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseClusterSamples, type ClusterObservations, type ClusterSample, type NodeEvent } from '../checks/observations.js';
import type { OwnershipObservation } from '../checks/ownership.js';
import type { RunResults } from '../checks/result.js';
import { readJsonl } from '../history/read-jsonl.js';
import type { HistoryOp } from '../history/op.js';
import { packageRoot } from '../shared/paths.js';
import { UsageError } from '../shared/usage-error.js';
import type { StalenessPrediction } from '../checks/staleness-prediction.js';
import type { RunInfo, SystemDescription } from '../report/report-data.js';
import { runStaleness } from './predict-staleness.js';
import { describeRun, reproduceCommand, resolveSettings, systemOf } from './run-settings.js';
import type { RunSettings } from './settings.js';

export type { RunInfo };

/** Where runs land unless --results-dir says otherwise. */
export function defaultResultsRoot(): string {
  return path.join(process.cwd(), 'results');
}

/**
 * `results/2026-11-27T15-02-03-register-n3r2w2-kill+partition` (or `…-compare-…`, `…-regress`), made
 * unique if two share a second.
 */
export function createRunFolder(root: string, label: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  let dir = path.join(root, `${stamp}-${label}`);
  for (let n = 2; existsSync(dir); n++) dir = path.join(root, `${stamp}-${label}-${n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** results/latest → the newest run (a relative link, so the folder can be moved whole). */
export function pointLatestAt(root: string, dir: string): void {
  const link = path.join(root, 'latest');
  try {
    rmSync(link, { force: true });
    symlinkSync(path.relative(root, dir), link);
  } catch {
    // A file system without symlinks still has every run folder; latest is a convenience.
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A JSON file of a results folder, or null when there is none; one that does not parse is bad input, not our bug. */
export function readJsonIfThere<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
}

/** What a run folder holds: run.json, history.jsonl, results.json, and the cluster's view. */
export interface RunFolder {
  run: RunInfo;
  /** The run's settings, as this version reads them (also from folders older versions wrote); null when run.json has none it can read. */
  settings: RunSettings | null;
  system: SystemDescription | null;
  history: HistoryOp[];
  results: RunResults | null;
  observations: ClusterObservations | null;
  /** PBS's prediction of its staleness from its latencies, as the run made it (run/predict-staleness.ts); null without settings. */
  prediction: StalenessPrediction | null;
}

export function readRunFolder(dir: string): RunFolder {
  const historyFile = path.join(dir, 'history.jsonl');
  if (!existsSync(historyFile)) throw new UsageError(`${dir} is not a run folder (it has no history.jsonl)`);
  const run = readJsonIfThere<RunInfo>(path.join(dir, 'run.json')) ?? {};
  const results = readJsonIfThere<RunResults>(path.join(dir, 'results.json'));
  const settings = settingsOf(run.settings ?? results?.settings);
  // Bytes, decoded a line at a time: a long run's history outgrows the longest string V8 holds.
  const history = readJsonl(readFileSync(historyFile), { tornTail: true }).history;
  const logEvents = settings ? systemOf(settings).logEvents : undefined;
  // A folder from before run.json kept the command still shows how to repeat its run.
  if (!run.command && settings) run.command = reproduceCommand(settings);
  return {
    run,
    settings,
    system: settings ? describeRun(settings) : null,
    history,
    results,
    observations: readObservations(dir, logEvents) ?? null,
    prediction: settings ? runStaleness(settings, history).prediction : null,
  };
}

function settingsOf(raw: unknown): RunSettings | null {
  if (typeof raw !== 'object' || raw === null) return null;
  try {
    return resolveSettings(raw as Record<string, unknown>);
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}

/**
 * The observations of a run folder, or undefined when it has none (sampling was off, or the run
 * predates it). Node logs are read only when run.json gives the history's epoch and the system
 * knows its logs' words.
 */
export function readObservations(dir: string, logEvents?: (text: string, epochMs: number) => NodeEvent[]): ClusterObservations | undefined {
  const file = path.join(dir, 'cluster.jsonl');
  if (!existsSync(file)) return undefined;
  const run = readJsonIfThere<RunInfo>(path.join(dir, 'run.json')) ?? {};
  const samples = parseClusterSamples(readFileSync(file, 'utf8'));
  const events = typeof run.historyEpochMs === 'number' ? readNodeEvents(dir, run.historyEpochMs, logEvents) : [];
  return observationsOf(samples, events, run.clusterSampling ?? {});
}

/**
 * What the harness measured of the rings around each membership change (ownership.jsonl), or
 * undefined when the run had none. A line cut short by an interruption, or not of that shape, is
 * skipped: the figures of the changes that were measured whole still stand.
 */
export function readOwnership(dir: string): OwnershipObservation[] | undefined {
  const file = path.join(dir, 'ownership.jsonl');
  if (!existsSync(file)) return undefined;
  const observations: OwnershipObservation[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (isOwnershipObservation(o)) observations.push(o);
  }
  return observations;
}

function isOwnershipObservation(o: unknown): o is OwnershipObservation {
  const x = o as Partial<OwnershipObservation> | null;
  const snapshot = (r: unknown) => {
    const s = r as { time?: unknown; members?: unknown; placements?: unknown } | null;
    return (
      typeof s === 'object' &&
      s !== null &&
      typeof s.time === 'number' &&
      Array.isArray(s.members) &&
      s.members.every((m) => typeof m === 'string') &&
      Array.isArray(s.placements) &&
      s.placements.every((p) => Array.isArray(p) && p.every((m) => typeof m === 'string'))
    );
  };
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.change === 'object' &&
    x.change !== null &&
    (x.change.f === 'join' || x.change.f === 'leave') &&
    typeof x.change.node === 'string' &&
    typeof x.change.time === 'number' &&
    Number.isSafeInteger(x.keys) &&
    x.keys! >= 0 &&
    x.keys! <= 1_000_000 &&
    snapshot(x.before) &&
    (x.after === null || snapshot(x.after))
  );
}

/** The events of every node's log in the folder (`nodes/<id>.log`), read by the system's own parser, in time order. */
export function readNodeEvents(dir: string, epochMs: number, logEvents?: (text: string, epochMs: number) => NodeEvent[]): NodeEvent[] {
  const nodesDir = path.join(dir, 'nodes');
  if (!logEvents || !existsSync(nodesDir)) return [];
  const events: NodeEvent[] = [];
  for (const name of readdirSync(nodesDir).sort()) {
    if (name.endsWith('.log')) events.push(...logEvents(readFileSync(path.join(nodesDir, name), 'utf8'), epochMs));
  }
  return events.sort((a, b) => a.time - b.time);
}

/** Samples and events on one time base, with the window the harness was sampling. */
export function observationsOf(
  samples: ClusterSample[],
  events: NodeEvent[],
  sampling: { intervalMs?: number; start?: number; end?: number },
): ClusterObservations {
  const start = typeof sampling.start === 'number' ? sampling.start : (samples[0]?.time ?? 0);
  const end = typeof sampling.end === 'number' ? sampling.end : (samples.at(-1)?.time ?? start);
  return { samples, events, window: { start, end }, intervalMs: typeof sampling.intervalMs === 'number' ? sampling.intervalMs : 150 };
}
