import type { ClusterObservations } from './observations.js';
import { clusterChecks } from './cluster.js';
import { findLostWrites } from './lost-writes.js';
import { findStaleReads, indexWrites } from './stale-reads.js';
import { computeStats, type Stats } from './stats.js';
import { explainLostWrite, explainStaleRead, type ExplainContext } from '../systems/godist/explain.js';
import { faultSpans } from '../history/fault-spans.js';
import type { HistoryOp } from '../history/op.js';
import { pairOps } from '../history/pairs.js';
import { checkLinearizability } from './linearizable.js';
import { promisesOf, type Promise_ } from '../systems/godist/promises.js';
import type { CheckName, RunSettings } from '../run/settings.js';

export type Verdict = true | false | 'unknown';

/** One anomaly with its evidence: the ops involved (history indices) and a sentence. */
export interface Anomaly {
  type: string;
  key?: string;
  /** Invoke index of the op the anomaly is about. */
  index: number;
  /** Invoke indices of the ops it conflicts with. */
  related: number[];
  /** When it happened (ns since the run began). */
  time: number;
  explanation: string;
  [detail: string]: unknown;
}

export interface CheckResult {
  /** Did the run keep this check's promise? true where nothing was promised. */
  valid: Verdict;
  /** The settings (or --expect) promise that no such anomaly occurs. */
  promised: boolean;
  /** The settings allow such anomalies: finding them is expected, not a failure. */
  expected: boolean;
  reason: string;
  count: number;
  anomalies: Anomaly[];
  /**
   * False when the check found nothing but could not look everywhere (a key whose search ran out of
   * time): such a check says *undecided*, never "none found", whether or not a promise depends on it.
   */
  decided: boolean;
  /** Anomalies past this many are counted but not listed. */
  truncated?: boolean;
  [detail: string]: unknown;
}

export interface RunResults {
  valid: Verdict;
  settings: RunSettings;
  checks: Record<string, CheckResult>;
  /** A few sentences for the terminal: the first anomaly of each kind found. */
  highlights: string[];
}

const MAX_LISTED = 2000;

/**
 * Every check over one history, judged against what the settings promise. Pure. With the
 * cluster's own view as the harness observed it (samples of /cluster/status, the nodes' logs), also
 * the election and failure-detector checks.
 */
export function runChecks(
  history: readonly HistoryOp[],
  settings: RunSettings,
  observations?: ClusterObservations,
  options: { now?: () => number } = {},
): RunResults {
  const pairs = pairOps(history);
  const promises = promisesOf(settings);
  const promiseOf = (name: CheckName): Promise_ =>
    settings.expect.includes(name) && !promises[name].promised
      ? { promised: true, reason: `held to it by --expect ${name} (the settings alone do not promise it: ${promises[name].reason})` }
      : promises[name];
  const ctx: ExplainContext = { settings, faults: faultSpans(history) };
  const writes = indexWrites(pairs);

  const stale = findStaleReads(pairs, writes).map(
    (s): Anomaly => ({
      ...explainStaleRead(ctx, s),
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
      ...explainLostWrite(ctx, l),
      type: 'lost-write',
      key: l.key,
      index: l.write.index,
      related: l.finalReads.map((r) => r.index),
      time: l.write.end,
      value: l.write.value,
    }),
  );
  const lin = checkLinearizability(history, settings.checkTimeLimit * 1000, options.now);

  const checks: Record<string, CheckResult> = {
    linearizable: judge(promiseOf('linearizable'), lin.anomalies, lin.decided, { keys: lin.keys }),
    'stale-reads': judge(promiseOf('stale-reads'), stale, true, {
      readsChecked: pairs.filter((p) => p.f === 'read' && p.type === 'ok').length,
      finalReads: stale.filter((s) => s['final'] === true).length,
    }),
    'lost-writes': judge(promiseOf('lost-writes'), lost, true, { checked: lostResult.checked, unchecked: lostResult.unchecked }),
    stats: statsCheck(computeStats(pairs)),
    ...(observations ? clusterChecks(history, settings, observations, ctx.faults) : {}),
  };
  const verdicts = Object.values(checks).map((c) => c.valid);
  const valid: Verdict = verdicts.includes(false) ? false : verdicts.includes('unknown') ? 'unknown' : true;
  return { valid, settings, checks, highlights: highlights(checks) };
}

function judge(promise: Promise_, anomalies: Anomaly[], decided: boolean, details: Record<string, unknown>): CheckResult {
  const count = anomalies.length;
  const valid: Verdict = !promise.promised ? true : count > 0 ? false : decided ? true : 'unknown';
  const result: CheckResult = {
    valid,
    promised: promise.promised,
    expected: !promise.promised,
    reason: promise.reason,
    count,
    anomalies: anomalies.slice(0, MAX_LISTED),
    decided: decided || count > 0,
    ...details,
  };
  if (count > MAX_LISTED) result.truncated = true;
  return result;
}

function statsCheck(stats: Stats): CheckResult {
  return { valid: true, promised: false, expected: true, reason: 'measurements only', count: 0, anomalies: [], decided: true, ...stats };
}

/** A check that found nothing because it could not decide: its found column and verdict say so. */
export function isUndecided(c: Pick<CheckResult, 'decided' | 'count'>): boolean {
  return c.decided === false && c.count === 0;
}

function highlights(checks: Record<string, CheckResult>): string[] {
  return Object.entries(checks).flatMap(([name, c]) => {
    if (isUndecided(c)) return [`${name} (undecided${c.promised ? ', a promise depends on it' : ', nothing promised depends on it'}): ${undecidedSentence(c)}`];
    const first = c.anomalies[0];
    if (!first) return [];
    const status = c.valid === false ? 'breaks the promise' : 'allowed by the settings';
    return [`${name} (${c.count}, ${status}): ${first.explanation}`];
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
