/**
 * The election and failure-detector checks as results.json carries them: what the settings promise
 * about the cluster's own view, the findings as anomalies with their sentences, and the figures
 * (split-brain time, false suspicions per minute, detection latency). Pure.
 */
import type { FaultSpan } from '../history/fault-spans.js';
import type { HistoryOp } from '../history/op.js';
import type { DetectorTimings } from '../systems/types.js';
import { disturbances, runTimelines, sampleAgreement } from './cluster-timeline.js';
import { checkElection, type ElectionFinding } from './election.js';
import { checkFailureDetector, type JudgedMark, type MarkCause } from './failure-detector.js';
import type { ClusterObservations } from './observations.js';
import { MAX_LISTED, notApplicable, type Anomaly, type CheckResult, type PromiseTable, type Promised } from './result.js';

/** What the cluster checks need from the system under test. */
export interface ClusterFacts {
  nodes: number;
  /** Its promises; the failure-detector check applies only to a system whose table has an entry for it. */
  promises: PromiseTable;
  /** Its failure detector's (or election's) timings, and whether it drops node-to-node messages on purpose. */
  detector: { timings: DetectorTimings; chaos: boolean };
  /** The system's name, for the sentences that say why a check does not apply. */
  system: string;
  /** The system's own sentence for a check it cannot feed. */
  notApplicable?: Partial<Record<'election' | 'failure-detector', string>>;
}

const NOTHING_PROMISED: Promised = { promised: false, reason: 'nothing promised' };

/**
 * How long (ms) a node may leave the harness's status requests unanswered, while the nemesis leaves
 * it alone, before the moment counts as the machine's disturbance: the promise of these checks is
 * for a machine that runs the nodes in time.
 */
export function unresponsiveAfterMs(intervalMs: number, t: DetectorTimings): number {
  return Math.max(4 * intervalMs, t.suspectAfterMs / 2);
}

export function clusterChecks(
  history: readonly HistoryOp[],
  facts: ClusterFacts,
  obs: ClusterObservations,
  faults: readonly FaultSpan[],
): Record<'election' | 'failure-detector', CheckResult> {
  const { timings, chaos } = facts.detector;
  const timelines = runTimelines(obs, faults, facts.nodes);
  const disturbed = disturbances(timelines, obs.samples, obs.window, unresponsiveAfterMs(obs.intervalMs, timings));
  const recordIndex = (f: FaultSpan) => history.find((op) => op.process === 'nemesis' && op.time === f.start)?.index ?? -1;
  const sources = {
    log: timelines.filter((t) => t.source === 'log').map((t) => t.node),
    samples: timelines.filter((t) => t.source === 'samples').map((t) => t.node),
  };
  const agreement = sampleAgreement(timelines, obs.samples);
  const observed = {
    observedS: round((obs.window.end - obs.window.start) / 1e9),
    samples: obs.samples.length,
    sampleIntervalMs: obs.intervalMs,
    viewsFrom: sources,
    ...(agreement ? { samplesAgreeWithLogs: round(agreement.agreed / agreement.compared, 4) } : {}),
    disturbances: disturbed.map((d) => ({ node: d.node, kind: d.kind, fromS: round(d.start / 1e9), toS: round(d.end / 1e9) })),
  };

  // ---- election
  const election = checkElection({ timelines, faults, window: obs.window, timings, disturbances: disturbed });
  // A system that never names a leader (no election at all) has nothing for this check to judge.
  const namesLeaders = obs.samples.some((s) => s.leader !== null) || obs.events.some((e) => e.event === 'leader-elected');
  const electionPromise = facts.promises.election ?? NOTHING_PROMISED;
  const electionPromised = electionPromise.promised && namesLeaders;
  // With terms, the promise is one leader per term: a same-term split brain breaks it whatever the
  // faults, and a leaderless interval is an election, never a broken promise.
  const breaks = (f: ElectionFinding) => (election.terms ? f.type === 'split-brain' : f.cause === 'none');
  const electionAnomalies = election.findings.map(
    (f): Anomaly => ({
      type: f.type,
      ...(f.term !== undefined ? { term: f.term } : {}),
      index: f.faults.length > 0 ? recordIndex(f.faults[0]!) : -1,
      related: f.faults.map(recordIndex).filter((i) => i >= 0),
      time: f.start,
      end: f.end,
      durationMs: round((f.end - f.start) / 1e6),
      nodes: f.nodes,
      ...(f.type === 'split-brain' ? { maxAtOnce: f.maxAtOnce } : {}),
      faults: f.faults.map((x) => x.description),
      cause: f.cause,
      expected: !electionPromised || !breaks(f),
      explanation: f.explanation,
    }),
  );
  const electionBroken = electionPromised && election.findings.some(breaks);
  const electionCheck = !namesLeaders
    ? notApplicable(`no node of ${facts.system} ever named a leader: nothing to check`)
    : result(electionPromised, electionBroken, electionPromise.reason, electionAnomalies, {
        splitBrainS: round(election.splitBrainNs / 1e9),
        noLeaderS: round(election.noLeaderNs / 1e9),
        unknownS: round(election.unknownNs / 1e9),
        ...(election.terms ? { otherTermsS: round(election.otherTermsNs / 1e9) } : {}),
        recoveryMs: election.recoveryMs,
        leadership: election.leadership.map((l) => ({ node: l.node, fromS: round(l.start / 1e9), toS: round(l.end / 1e9) })),
        ...observed,
      });

  // ---- failure detector
  const fdPromise = facts.promises['failure-detector'];
  if (!fdPromise) return { election: electionCheck, 'failure-detector': notApplicable(facts.notApplicable?.['failure-detector'] ?? noDetector(facts.system)) };
  const fd = checkFailureDetector({ timelines, faults, window: obs.window, timings, disturbances: disturbed, chaos });
  const fdAnomalies = fd.falseSuspicions.map(
    (m: JudgedMark): Anomaly => ({
      type: 'false-suspicion',
      index: m.faults.length > 0 ? recordIndex(m.faults[0]!) : -1,
      related: m.faults.map(recordIndex).filter((i) => i >= 0),
      time: m.time,
      observer: m.observer,
      peer: m.peer,
      state: m.state,
      ...(m.silenceMs !== undefined ? { silenceMs: m.silenceMs } : {}),
      cause: m.cause,
      exact: m.exact,
      expected: !fdPromise.promised || m.cause !== 'unexplained',
      explanation: m.explanation,
    }),
  );
  const byCause: Partial<Record<MarkCause, number>> = {};
  for (const m of fd.marks) byCause[m.cause] = (byCause[m.cause] ?? 0) + 1;
  const fdBroken = fdPromise.promised && fd.falseSuspicions.some((m) => m.cause === 'unexplained');
  const fdCheck = result(fdPromise.promised, fdBroken, fdPromise.reason, fdAnomalies, {
    marks: fd.marks.length,
    realMarks: fd.marks.length - fd.falseSuspicions.length,
    byCause,
    falseSuspicionsPerMinute: round(fd.falsePerMinute, 2),
    detectionLatencyMs: fd.latencyMs,
    missedFaults: fd.missed,
    detections: fd.detections.slice(0, MAX_LISTED).map((d) => ({
      fault: d.fault.description,
      atS: round(d.fault.start / 1e9),
      lastedS: Number.isFinite(d.fault.end) ? round((d.fault.end - d.fault.start) / 1e9) : null,
      observer: d.observer,
      peer: d.peer,
      suspectMs: d.suspectNs === undefined ? null : Math.round(d.suspectNs / 1e6),
      deadMs: d.deadNs === undefined ? null : Math.round(d.deadNs / 1e6),
    })),
    markList: fd.marks.slice(0, MAX_LISTED).map((m) => ({ atS: round(m.time / 1e9, 4), observer: m.observer, peer: m.peer, state: m.state, real: m.real, cause: m.cause })),
    timings,
    ...observed,
  });
  return { election: electionCheck, 'failure-detector': fdCheck };
}

function result(promised: boolean, broken: boolean, reason: string, anomalies: Anomaly[], details: Record<string, unknown>): CheckResult {
  const r: CheckResult = {
    valid: !broken,
    promised,
    promisedBy: promised ? 'settings' : null,
    expected: !promised,
    reason,
    count: anomalies.length,
    anomalies: anomalies.slice(0, MAX_LISTED),
    decided: true,
    applicable: true,
    ...details,
  };
  if (anomalies.length > MAX_LISTED) r.truncated = true;
  return r;
}

function noDetector(system: string): string {
  return `${system} shows no failure detector's suspect and dead marks for the harness to judge`;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
