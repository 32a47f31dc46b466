/**
 * Every check over one history, judged against what the system's settings promise (and what --expect
 * holds the run to). Pure: the system under test comes in as its record of plain functions.
 */
import { pairsOf, faultsOf } from '../history/derived.js';
import type { ModelName } from '../checker/index.js';
import type { HistoryOp } from '../history/op.js';
import type { ExpectableCheck, RunSettings } from '../run/settings.js';
import type { SystemUnderTest } from '../systems/types.js';
import { clusterChecks, type ClusterFacts } from './cluster.js';
import { explainLostWrite, explainStaleRead, type Explainer } from './explain.js';
import { checkLinearizability } from './linearizable.js';
import { findLostWrites } from './lost-writes.js';
import type { ClusterObservations } from './observations.js';
import { ownershipChanges, ownershipSummary, type OwnershipObservation } from './ownership.js';
import { isUndecided, judge, notApplicable, type Anomaly, type CheckResult, type Promised, type RunResults, type Verdict } from './result.js';
import { findStaleReads, indexWrites } from './stale-reads.js';
import { outcomeWords } from './words.js';
import { computeStats, type Stats } from './stats.js';

export interface CheckOptions {
  system: SystemUnderTest;
  /** The workload's model for the linearizability check (default register). */
  model?: ModelName;
  /**
   * The cluster's own view as the harness observed it: the election and failure-detector checks.
   * Undefined: the run did not sample it (those checks are left out); a system with no view to
   * sample gets them as not applicable.
   */
  observations?: ClusterObservations;
  /** The checker's clock (ms); performance.now() unless given (given, the search stays in this thread). */
  now?: () => number;
  /** Threads for the linearizability search (default: the machine's cores). */
  threads?: number;
  /** What the harness measured of the rings around each membership change: the ownership figures. */
  ownership?: readonly OwnershipObservation[];
}

const NOTHING: Promised = { promised: false, reason: 'nothing promised by these settings' };

export async function runChecks(history: readonly HistoryOp[], settings: RunSettings, o: CheckOptions): Promise<RunResults> {
  const { system } = o;
  const pairs = pairsOf(history);
  const promises = system.promises(settings.system, settings);
  const promiseOf = (name: ExpectableCheck): Promised & { by: 'settings' | 'expect' } => {
    const p = promises[name] ?? NOTHING;
    return settings.expect.includes(name) && !p.promised
      ? { promised: true, by: 'expect', reason: `held to it by --expect ${name} (the settings alone do not promise it: ${p.reason})` }
      : { ...p, by: 'settings' };
  };
  const faults = faultsOf(history);
  const explainer: Explainer = { system, ctx: { settings: settings.system, faults } };
  const writes = indexWrites(pairs);

  const stale = findStaleReads(pairs, writes).map(
    (s): Anomaly => ({
      ...explainStaleRead(explainer, s),
      type: 'stale-read',
      key: s.key,
      index: s.read.index,
      related: [...(s.source ? [s.source.index] : []), ...s.missed.map((w) => w.index)],
      time: s.read.start,
      node: s.read.node,
      value: s.read.value,
      versionsBehind: s.versionsBehind,
      msSinceAck: round(s.msSinceAck),
      final: s.read.final === true,
    }),
  );
  const lostResult = findLostWrites(pairs, writes);
  const lost = lostResult.lost.map(
    (l): Anomaly => ({
      ...explainLostWrite(explainer, l),
      type: 'lost-write',
      key: l.key,
      index: l.write.index,
      related: l.finalReads.map((r) => r.index),
      time: l.write.end,
      value: l.write.value,
    }),
  );
  const lin = await checkLinearizability(history, {
    model: o.model ?? 'register',
    timeLimitMs: settings.checkTimeLimit * 1000,
    memoryBudgetBytes: settings.checkMemoryBudget,
    ...(o.now ? { now: o.now } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  });

  const checks: Record<string, CheckResult> = {
    linearizable: judge(promiseOf('linearizable'), lin.anomalies, lin.decided, { keys: lin.keys, decidedBy: lin.decidedBy }),
    'stale-reads': judge(promiseOf('stale-reads'), stale, true, {
      readsChecked: pairs.filter((p) => p.f === 'read' && p.type === 'ok').length,
      finalReads: stale.filter((s) => s['final'] === true).length,
    }),
    'lost-writes': judge(promiseOf('lost-writes'), lost, true, { checked: lostResult.checked, unchecked: lostResult.unchecked }),
    stats: statsCheck(computeStats(pairs)),
    ...(o.ownership ? { ownership: ownershipCheck(o.ownership) } : {}),
    ...(system.view === undefined
      ? {
          election: notApplicable(`${system.name} shows no view of the cluster (leader, members) for the harness to sample`),
          'failure-detector': notApplicable(`${system.name} shows no view of the cluster (leader, members) for the harness to sample`),
        }
      : o.observations
        ? clusterChecks(history, clusterFactsOf(settings, system), o.observations, faults)
        : {}),
  };
  const verdicts = Object.values(checks).map((c) => c.valid);
  const valid: Verdict = verdicts.includes(false) ? false : verdicts.includes('unknown') ? 'unknown' : true;
  return { valid, settings, checks, highlights: highlights(checks) };
}

/** What the election and failure-detector checks need of the system under test. */
export function clusterFactsOf(settings: RunSettings, system: SystemUnderTest): ClusterFacts {
  return {
    nodes: settings.nodes,
    promises: system.promises(settings.system, settings),
    detector: system.detector?.(settings.system) ?? { timings: DEFAULT_ELECTION_TIMINGS, chaos: false },
    system: system.name,
    ...(system.notApplicable ? { notApplicable: system.notApplicable } : {}),
  };
}

/** For a system that names leaders but tells no timings: a second to notice, three to give up. */
const DEFAULT_ELECTION_TIMINGS = { heartbeatMs: 200, suspectAfterMs: 1000, deadAfterMs: 3000, requestTimeoutMs: 500 };

/** How far ownership moved at each membership change, beside consistent hashing at best and hash mod n: measured, not judged. */
function ownershipCheck(observations: readonly OwnershipObservation[]): CheckResult {
  const changes = ownershipChanges(observations);
  return { ...judge(NOTHING, [], true), reason: ownershipSummary(changes), measurement: true, changes };
}

function statsCheck(stats: Stats): CheckResult {
  return { ...judge(NOTHING, [], true), reason: 'measurements only', measurement: true, ...stats };
}

/** Where report.html lists each check's findings. */
const REPORT_SECTION: Record<string, string> = {
  linearizable: 'Linearizability',
  'stale-reads': 'Stale reads & lost writes',
  'lost-writes': 'Stale reads & lost writes',
  election: 'Cluster',
  'failure-detector': 'Cluster',
};

function highlights(checks: Record<string, CheckResult>): string[] {
  return Object.entries(checks).flatMap(([name, c]) => {
    if (isUndecided(c)) return [`${name} (undecided${c.promised ? ', a promise depends on it' : ', nothing promised depends on it'}): ${undecidedSentence(c)}`];
    const first = c.anomalies[0];
    if (!first) return [];
    const more = c.count > 1 ? ` [1 of ${c.count}: report.html lists them all under "${REPORT_SECTION[name] ?? name}"]` : '';
    return [`${name} (${c.count}, ${outcomeWords(c)}): ${first.explanation}${more}`];
  });
}

function undecidedSentence(c: CheckResult): string {
  const keys = (c['keys'] ?? {}) as Record<string, string>;
  const open = Object.entries(keys).filter(([, v]) => v === 'unknown').map(([k]) => k);
  const all = Object.keys(keys).length;
  if (open.length === 0) return 'the check could not decide';
  const named = open.length <= 5 ? ` (${open.join(', ')})` : ` (${open.slice(0, 5).join(', ')}, …)`;
  return `${open.length} of ${all} key${all === 1 ? '' : 's'}${named} could not be decided within the check's time limit, and no key was found not linearizable; a longer --check-time-limit may decide them`;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
