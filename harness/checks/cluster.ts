/**
 * The election and failure-detector checks as results.json carries them: what the settings promise
 * about the cluster's own view, the findings as anomalies with their sentences, and the figures
 * (split-brain time, false suspicions per minute, detection latency). Pure.
 */
import { nodeTimings, type ClusterObservations, type NodeTimings } from './observations.js';
import { disturbances, runTimelines, sampleAgreement } from './cluster-timeline.js';
import { checkElection, type ElectionFinding } from './election.js';
import { checkFailureDetector, type JudgedMark, type MarkCause } from './failure-detector.js';
import type { FaultSpan } from '../history/fault-spans.js';
import type { HistoryOp } from '../history/op.js';
import type { Anomaly, CheckResult } from './run-checks.js';
import type { RunSettings } from '../run/settings.js';

const MAX_LISTED = 2000;

/**
 * How long (ms) a node may leave the harness's status requests unanswered, while the nemesis leaves
 * it alone, before the moment counts as the machine's disturbance: the promise of these checks is
 * for a machine that runs the nodes in time.
 */
export function unresponsiveAfterMs(intervalMs: number, t: NodeTimings): number {
  return Math.max(4 * intervalMs, t.suspectAfterMs / 2);
}

export function clusterChecks(
  history: readonly HistoryOp[],
  settings: RunSettings,
  obs: ClusterObservations,
  faults: readonly FaultSpan[],
): Record<'election' | 'failure-detector', CheckResult> {
  const timings = nodeTimings(settings.nodeArgs);
  const timelines = runTimelines(obs, faults, settings.nodes);
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
  const electionPromised = settings.nemesis.length === 0 && namesLeaders;
  const electionAnomalies = election.findings.map(
    (f): Anomaly => ({
      type: f.type,
      index: f.faults.length > 0 ? recordIndex(f.faults[0]!) : -1,
      related: f.faults.map(recordIndex).filter((i) => i >= 0),
      time: f.start,
      end: f.end,
      durationMs: round((f.end - f.start) / 1e6),
      nodes: f.nodes,
      ...(f.type === 'split-brain' ? { maxAtOnce: f.maxAtOnce } : {}),
      faults: f.faults.map((x) => x.description),
      cause: f.cause,
      expected: !electionPromised || f.cause !== 'none',
      explanation: f.explanation,
    }),
  );
  const electionBroken = electionPromised && election.findings.some((f: ElectionFinding) => f.cause === 'none');
  const electionCheck = result(electionPromised, electionBroken, namesLeaders ? electionReason(settings) : 'no node ever named a leader: nothing to check', namesLeaders ? electionAnomalies : [], {
    splitBrainS: round(election.splitBrainNs / 1e9),
    noLeaderS: round(election.noLeaderNs / 1e9),
    unknownS: round(election.unknownNs / 1e9),
    recoveryMs: election.recoveryMs,
    leadership: election.leadership.map((l) => ({ node: l.node, fromS: round(l.start / 1e9), toS: round(l.end / 1e9) })),
    ...observed,
  });

  // ---- failure detector
  const fd = checkFailureDetector({ timelines, faults, window: obs.window, timings, disturbances: disturbed, chaos: settings.chaos });
  const fdPromise = failureDetectorPromise(settings, timings);
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
    expected: !promised,
    reason,
    count: anomalies.length,
    anomalies: anomalies.slice(0, MAX_LISTED),
    decided: true,
    ...details,
  };
  if (anomalies.length > MAX_LISTED) r.truncated = true;
  return r;
}

function electionReason(s: RunSettings): string {
  if (s.nemesis.length === 0) {
    return 'no faults: once settled (a run starts from a settled election), the Bully election keeps exactly one leader, so two leaders or none is a finding, unless a node did not run in time on a busy machine (listed, not failed)';
  }
  const why: string[] = [];
  if (s.nemesis.includes('partition')) why.push('under partitions each side elects its own leader (split brain: Bully is not consensus), and a side without the leader has none until it elects one');
  if (s.nemesis.includes('pause')) why.push('a paused leader leaves the cluster leaderless until the others elect a new one, and still believes it leads when it resumes, until the Bully handover');
  if (s.nemesis.includes('kill')) why.push('a killed leader leaves the cluster leaderless until the others suspect it and elect a new one');
  if (s.nemesis.includes('delay')) why.push('delayed links can make a node suspect the leader and elect itself');
  return `expected under these faults: ${why.join('; ')}`;
}

/**
 * The promise: with no faults, no chaos and timings no tighter than the defaults, a node never
 * suspects a peer it can hear. Marks made while the machine did not run a node in time (it logged
 * a stall, or left the harness's requests unanswered) are listed and do not break it: on a loaded
 * two-core box a process can be starved for a second, and the detector is then right not to hear.
 */
function failureDetectorPromise(s: RunSettings, t: NodeTimings): { promised: boolean; reason: string } {
  const tight = t.suspectAfterMs < 1000 || t.suspectAfterMs < 5 * t.heartbeatMs;
  const timing = `suspect after ${t.suspectAfterMs} ms of silence, heartbeats every ${t.heartbeatMs} ms`;
  if (s.nemesis.length === 0 && !s.chaos && !tight) {
    return {
      promised: true,
      reason: `no faults, no chaos, ${timing}: a node never suspects a peer it can hear, so a false suspicion is a finding, unless the machine did not run a node in time (listed, not failed)`,
    };
  }
  const why: string[] = [];
  if (s.nemesis.includes('pause')) why.push("a node paused for less than suspect-after counts its own pause as its peers' silence (a longer stall it forgives once)");
  if (s.nemesis.includes('delay')) why.push('delayed heartbeats arrive late, not never');
  if (s.nemesis.includes('partition')) why.push('a one-way cut still lets heartbeats through one way');
  if (s.chaos) why.push('chaos mode drops heartbeats');
  if (tight) why.push(`${timing} leaves little slack for a busy process`);
  if (why.length === 0) why.push('faults disturb the nodes');
  return { promised: false, reason: `failure detection is not truth (a timeout only means "I did not hear back in time"): ${why.join('; ')}` };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
