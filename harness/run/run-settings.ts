/**
 * A run's whole settings from plain JSON (CLI flags by key, a regression case, a run.json of today or
 * of an older version), checked once: the harness's own, the system's (by the system), and the two
 * against each other (the workload's ops and the faults must be ones the system has).
 */
import { byteSizeFlag } from '../checker/index.js';
import { systemNamed } from '../systems/index.js';
import type { SystemDescription } from '../report/report-data.js';
import type { SystemUnderTest } from '../systems/types.js';
import { workloads, workloadNames } from '../../workloads/index.js';
import { HARNESS_DEFAULTS, HARNESS_KEYS, MAX_NODES_ABOVE, harnessProblems, throwFirst, type HarnessSettings, type RunSettings } from './settings.js';

/**
 * `raw.system` may be a system's settings (`{"name": "etcd", ...}`), a system's name with its
 * settings beside the harness's (regressions.json), or absent: godist with its settings beside the
 * harness's (run.json before systems had a folder of their own).
 */
export function resolveSettings(raw: Record<string, unknown>): RunSettings {
  const harness = { ...HARNESS_DEFAULTS } as HarnessSettings & Record<string, unknown>;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || k === 'system') continue;
    if ((HARNESS_KEYS as readonly string[]).includes(k)) harness[k] = v;
    else rest[k] = v;
  }
  if (raw['maxNodes'] === undefined) harness.maxNodes = harness.nodes + MAX_NODES_ABOVE;
  const given = raw['system'];
  const systemRaw: Record<string, unknown> =
    typeof given === 'object' && given !== null ? { ...(given as Record<string, unknown>) } : { ...rest, name: typeof given === 'string' ? given : 'godist' };
  const system = systemNamed(String(systemRaw['name']));
  throwFirst(harnessProblems(harness, workloadNames));
  const settings: RunSettings = { ...harness, system: system.settings(systemRaw, harness) };
  throwFirst(pairingProblems(settings, system));
  return settings;
}

/** The workload's ops and the faults must be ones the system has. */
function pairingProblems(s: RunSettings, system: SystemUnderTest): string[] {
  const problems: string[] = [];
  const workload = workloads[s.workload]!;
  const missing = workload.ops.filter((f) => !system.ops.includes(f));
  if (missing.length > 0) {
    problems.push(`--workload ${s.workload} needs ${missing.join(' and ')}, which --system ${system.name} does not offer (its ops: ${system.ops.join(', ')})`);
  }
  for (const fault of s.nemesis) {
    if (!system.faults.includes(fault)) problems.push(`--system ${system.name} cannot be given the fault "${fault}" (its faults: ${system.faults.join(', ') || 'none'}; use --nemesis none)`);
  }
  return problems;
}

export function systemOf(s: RunSettings): SystemUnderTest {
  return systemNamed(s.system.name);
}

/** Throws a UsageError when a system of these runs cannot run on this machine, before any of them starts. */
export function preflight(runs: readonly RunSettings[]): void {
  for (const s of runs) systemOf(s).preflight?.(s.system);
}

/** `register-n3r2w2-strict-kill+pause`: a run folder's name after its time stamp. */
export function runLabel(s: RunSettings, prefix: string = s.workload): string {
  const faults = s.nemesis.length > 0 ? s.nemesis.join('+') : 'none';
  return `${prefix}-${systemOf(s).label(s.system)}-${faults}`;
}

/** The command line that repeats a run with these settings. */
export function reproduceCommand(s: RunSettings, verb = 'run'): string {
  const d = HARNESS_DEFAULTS;
  const system = systemOf(s);
  const parts = [
    `npx godist ${verb}`,
    system.name !== 'godist' ? `--system ${system.name}` : '',
    `--workload ${s.workload}`,
    `--nodes ${s.nodes}`,
    s.maxNodes !== s.nodes + MAX_NODES_ABOVE ? `--max-nodes ${s.maxNodes}` : '',
    ...(verb === 'run' ? system.flags(s.system) : []),
    `--nemesis ${s.nemesis.length > 0 ? s.nemesis.join(',') : 'none'}`,
    s.targets.length > 0 ? `--targets ${s.targets.join(',')}` : '',
    s.nemesisInterval !== d.nemesisInterval ? `--nemesis-interval ${s.nemesisInterval}` : '',
    `--time-limit ${s.timeLimit}`,
    `--concurrency ${s.concurrency}`,
    `--rate ${s.rate}`,
    s.keys !== d.keys ? `--keys ${s.keys}` : '',
    s.keyOps !== d.keyOps ? `--key-ops ${s.keyOps}` : '',
    `--seed ${s.seed}`,
    s.expect.length > 0 ? `--expect ${s.expect.join(',')}` : '',
    s.checkTimeLimit !== d.checkTimeLimit ? `--check-time-limit ${s.checkTimeLimit}` : '',
    s.checkMemoryBudget !== d.checkMemoryBudget ? `--check-memory-budget ${byteSizeFlag(s.checkMemoryBudget)}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** The system and its settings in a few words: `godist n3r2w2-strict`, `etcd-serializable` (a label that names its system is not prefixed again). */
export function systemTitle(s: RunSettings): string {
  const system = systemOf(s);
  const label = system.label(s.system);
  return label === system.name || label.startsWith(`${system.name}-`) ? label : `${system.name} ${label}`;
}

export function describeRun(s: RunSettings): SystemDescription {
  const system = systemOf(s);
  const harnessRows: [string, string][] = [
    ['workload', s.workload],
    ['nodes', s.nemesis.includes('membership') ? `${s.nodes}, growing to at most ${s.maxNodes} (membership)` : String(s.nodes)],
    ['nemesis', s.nemesis.length > 0 ? `${s.nemesis.join(', ')} every ${s.nemesisInterval} s${s.targets.length > 0 ? ` (targets: ${s.targets.join(', ')})` : ''}` : 'none'],
    ['time limit', `${s.timeLimit} s`],
    ['concurrency / rate', `${s.concurrency} workers, ${s.rate} ops/s`],
    ['keys', `${s.keys}${s.keyOps > 0 ? `, each retired after ${s.keyOps} ops` : ''}`],
    ['seed', String(s.seed)],
    ['held to (--expect)', s.expect.length > 0 ? s.expect.join(', ') : '—'],
  ];
  return {
    name: system.name,
    label: system.label(s.system),
    title: systemTitle(s),
    rows: [...system.describe(s.system), ...harnessRows],
    quorums: system.quorums?.(s.system) ?? null,
    ...(system.traceLines ? { traceLines: system.traceLines } : {}),
  };
}
