/**
 * Why a stale read or a lost write happened on a GoDist cluster, from the replica traces its nodes
 * returned with every op and the nemesis records. Pure: the same history gives the same words.
 *
 * Membership changes move replica sets too, and GoDist hands nothing over: a node that joins takes
 * its place in replica sets with no copy of their keys, one that leaves takes its copies with it.
 * A replica set that moved because of a join or a leave is said so, naming the node and when.
 */
import { list, secs, set } from '../../shared/format.js';
import type { FaultSpan } from '../../history/fault-spans.js';
import type { OpPair } from '../../history/pairs.js';
import type { Cause, ExplainContext, LostWriteEvidence, StaleReadEvidence } from '../types.js';
import type { GodistSettings } from './settings.js';
import { traceOf, type ReplicaReply } from './trace.js';

/** The mechanisms a GoDist trace can show. */
export type CauseKind = 'amnesia' | 'membership' | 'replica-set-moved' | 'quorums-need-not-overlap' | 'unexplained';

export function explainGodist(ctx: ExplainContext<GodistSettings>, e: StaleReadEvidence | LostWriteEvidence): Cause {
  const c = e.kind === 'stale-read' ? cause(ctx, e.key, e.missed, e.read) : cause(ctx, e.key, e.write, e.finalReads[0]!);
  return { cause: c.kind, text: c.text };
}

function cause(ctx: ExplainContext<GodistSettings>, key: string, w: OpPair, r: OpPair): { kind: CauseKind; text: string } {
  const { N, R, W } = ctx.settings;
  const ackers = ackersOf(w);
  // Replicas that failed or had not answered when the coordinator replied did not shape the read.
  const answered = (traceOf(r).replicas ?? []).filter((a) => a.ok !== false);
  const wVersion = traceOf(w).version ?? null;

  const replicas = traceOf(w).replicaSet ?? [];
  const rVersion = traceOf(r).version;
  if (typeof wVersion === 'number' && typeof rVersion === 'number' && r.value !== null && wVersion <= rVersion) {
    return versionWentBack(ctx, key, w, wVersion, rVersion, answered);
  }
  const killAt = (node: string) => killedBetween(ctx.faults, node, w.end, r.start);
  const restartedAckers = ackers.filter((node) => killAt(node));
  // A durable node that answers older than what it acknowledged before a restart lost its log:
  // a node bug the settings promise against, named as such.
  const forgotDespiteLog = ctx.settings.durable
    ? answered.filter((a) => restartedAckers.includes(a.node) && older(a, wVersion))
    : [];
  if (forgotDespiteLog.length > 0) {
    const at = [...new Set(forgotDespiteLog.map((a) => killAt(a.node)!.start))].sort((a, b) => a - b).map(secs).join(' and ');
    return {
      kind: 'amnesia',
      text:
        `${set(forgotDespiteLog.map((a) => a.node))} acknowledged the write, ${forgotDespiteLog.length === 1 ? 'was' : 'were'} killed at ${at} and restarted, then ${replies(forgotDespiteLog)} to the read: ` +
        'a durable node forgot a write it had acknowledged (its log should have brought it back)',
    };
  }
  if (restartedAckers.length > 0 && !ctx.settings.durable) {
    const restartedReplicas = replicas.filter((node) => killAt(node));
    const everyReplica = replicas.length > 0 && restartedReplicas.length === replicas.length;
    const victims = everyReplica ? replicas : restartedAckers;
    const at = [...new Set(victims.map((node) => killAt(node)!.start))].sort((a, b) => a - b).map(secs).join(' and ');
    const answeredOld = answered.filter((a) => victims.includes(a.node) && older(a, wVersion));
    const then = answeredOld.length > 0 ? `; then ${replies(answeredOld)} to the read` : '';
    const one = victims.length === 1;
    const who = everyReplica
      ? `every replica of ${key} (${set(replicas)}) was killed after the write was acknowledged (at ${at})`
      : restartedAckers.length === ackers.length
        ? `${one ? 'the only replica' : 'every replica'} that had acknowledged it when the write returned (${set(ackers)}) was killed at ${at}`
        : `${set(restartedAckers)} acknowledged it but ${one ? 'was' : 'were'} killed at ${at}`;
    return { kind: 'amnesia', text: `${who} and restarted empty (in-memory store), forgetting the write${then}` };
  }

  const wSet = traceOf(w).replicaSet;
  const rSet = traceOf(r).replicaSet;
  const byMembership = wSet && rSet ? membershipMove(ctx, key, wSet, rSet, r, answered) : undefined;
  if (byMembership) {
    if (R + W <= N) return { kind: 'quorums-need-not-overlap', text: `R + W = ${R + W} ≤ N = ${N}, so the quorums need not overlap; besides, ${byMembership}` };
    return { kind: 'membership', text: byMembership };
  }
  if (wSet && rSet && !sameSet(wSet, rSet)) {
    const left = wSet.filter((n) => !rSet.includes(n));
    const why = [...new Set(left.map((node) => nodeFault(ctx.faults, node, w.start, r.end)).filter((d): d is string => d !== undefined))];
    const text =
      `the replica set of ${key} moved from ${set(wSet)} (at the write) to ${set(rSet)} (at the read)` +
      `${left.length > 0 ? `: ${set(left)} had been marked dead and left it (sloppy quorum)` : ''}` +
      `${why.length > 0 ? `, around ${why.join('; ')}` : ''}` +
      `${answered.length > 0 ? `; the read quorum ${replies(answered)}` : ''}`;
    // With R + W ≤ N the quorums need not overlap in any case: that is the cause; the move is context.
    if (R + W <= N) return { kind: 'quorums-need-not-overlap', text: `R + W = ${R + W} ≤ N = ${N}, so the quorums need not overlap; besides, ${text}` };
    return { kind: 'replica-set-moved', text };
  }

  const quorums = `${answered.length > 0 ? `the read quorum ${replies(answered)}` : 'the read quorum answered'}; the write was acknowledged by ${ackers.length > 0 ? set(ackers) : 'unknown replicas'}`;
  const faults = faultsDuring(ctx.faults, w.start, r.end);
  const during = faults.length > 0 ? `, during ${faults.join('; ')}` : '';
  if (R + W <= N) return { kind: 'quorums-need-not-overlap', text: `${quorums}; R + W = ${R + W} ≤ N = ${N}, so the quorums need not overlap${during}` };
  return { kind: 'unexplained', text: `${quorums}, even though R + W = ${R + W} > N = ${N}${during}` };
}

/**
 * The read saw the older value with the higher version: the newer write was given a version no
 * higher than what the replicas already held, so it loses every comparison. Its coordinator chose
 * max + 1 from replicas that did not know the older version: restarted empty, or a replica set
 * that had moved.
 */
function versionWentBack(ctx: ExplainContext<GodistSettings>, key: string, w: OpPair, wVersion: number, rVersion: number, answered: readonly ReplicaReply[]): { kind: CauseKind; text: string } {
  const head = `${show(w.value)} was written as version ${wVersion}, not above the version ${rVersion} the read returned, so the older value wins every comparison`;
  const heard = answered.length > 0 ? `; the read quorum ${replies(answered)}` : '';
  const replicas = traceOf(w).replicaSet ?? [];
  const restart = [...ctx.faults]
    .reverse()
    // Killed before the write began, and back (empty) by the time it was acknowledged.
    .find((f) => f.kind === 'kill' && f.start <= w.start && f.end <= w.end && f.nodes.some((n) => replicas.length === 0 || replicas.includes(n)));
  if (restart && !ctx.settings.durable) {
    return {
      kind: 'amnesia',
      text: `${head}: its coordinator chose max + 1 from replicas that had forgotten version ${rVersion}, since ${set(restart.nodes)} had been killed at ${secs(restart.start)} and restarted empty at ${secs(restart.end)} (in-memory store)${heard}`,
    };
  }
  // A version read that heard a member that joined with no copy of the key hands out a version too low.
  const newcomers = (traceOf(w).read ?? []).filter((a) => a.ok !== false && older(a, rVersion) && changeOf(ctx.faults, 'join', a.node, w.start));
  if (newcomers.length > 0) {
    return {
      kind: 'membership',
      text: `${head}: its coordinator chose max + 1 from replicas that did not hold version ${rVersion}: the version read asked ${list(newcomers.map((a) => joinedPhrase(ctx, a.node, key, a)))} (nothing is handed over when members change)${heard}`,
    };
  }
  const faults = faultsDuring(ctx.faults, w.start - 5e9, w.start);
  const during = faults.length > 0 ? `, after ${faults.join('; ')}` : '';
  const { N, R, W } = ctx.settings;
  if (R + W <= N) {
    return {
      kind: 'quorums-need-not-overlap',
      text: `${head}: its coordinator read the current version from R = ${R} of the replicas, which need not overlap the W = ${W} that held version ${rVersion} (R + W = ${R + W} ≤ N = ${N})${during}${heard}`,
    };
  }
  const sloppy = ctx.settings.quorum === 'sloppy';
  return {
    kind: sloppy ? 'replica-set-moved' : 'unexplained',
    text: `${head}: its coordinator chose max + 1 from replicas that did not hold version ${rVersion}${sloppy ? ' (a sloppy replica set that had moved)' : ''}${during}${heard}`,
  };
}

/**
 * The sentence for a replica set that moved because members joined or left between the write and
 * the read: whom it gained (with no copy), whom it lost (with their copies), whom a join pushed out.
 * Undefined when no join or leave explains the move.
 */
function membershipMove(ctx: ExplainContext<GodistSettings>, key: string, wSet: readonly string[], rSet: readonly string[], r: OpPair, answered: readonly ReplicaReply[]): string | undefined {
  if (sameSet(wSet, rSet)) return undefined;
  const gained = rSet.filter((n) => !wSet.includes(n));
  const lost = wSet.filter((n) => !rSet.includes(n));
  // In the order they came and went.
  const when = (kind: 'join' | 'leave') => (n: string) => changeOf(ctx.faults, kind, n, r.end)?.start ?? Number.POSITIVE_INFINITY;
  const joiners = gained.filter((n) => changeOf(ctx.faults, 'join', n, r.end)).sort((a, b) => when('join')(a) - when('join')(b));
  const leavers = lost.filter((n) => changeOf(ctx.faults, 'leave', n, r.end)).sort((a, b) => when('leave')(a) - when('leave')(b));
  if (joiners.length === 0 && leavers.length === 0) return undefined;
  const parts: string[] = [];
  if (joiners.length > 0) parts.push(`it gained ${list(joiners.map((n) => joinedPhrase(ctx, n, key, answered.find((a) => a.node === n))))}`);
  if (leavers.length > 0) parts.push(`it lost ${list(leavers.map((n) => `${n}, which left the cluster at ${secs(changeOf(ctx.faults, 'leave', n, r.end)!.start)} taking its copy with it`))}`);
  const pushed = lost.filter((n) => !leavers.includes(n));
  if (pushed.length > 0 && joiners.length > 0) parts.push(`${list(pushed)} ${pushed.length === 1 ? 'was' : 'were'} pushed out of it by the join${joiners.length === 1 ? '' : 's'}`);
  return (
    `the replica set of ${key} moved from ${set(wSet)} (at the write) to ${set(rSet)} (at the read): ${parts.join('; ')}; nothing is handed over when members change` +
    `${answered.length > 0 ? `; the read quorum ${replies(answered)}` : ''}`
  );
}

/** "node-6, which joined the cluster at 12.10 s with no copy of k7". */
function joinedPhrase(ctx: ExplainContext<GodistSettings>, node: string, key: string, reply: ReplicaReply | undefined): string {
  const at = changeOf(ctx.faults, 'join', node, Number.POSITIVE_INFINITY)!.start;
  const held = reply === undefined ? '' : reply.version === null ? ` with no copy of ${key}` : ` holding only version ${reply.version} of ${key}`;
  return `${node}, which joined the cluster at ${secs(at)}${held}`;
}

/** The join or leave of `node` recorded at or before `by`. */
function changeOf(faults: readonly FaultSpan[], kind: 'join' | 'leave', node: string, by: number): FaultSpan | undefined {
  return faults.find((f) => f.kind === kind && f.nodes.includes(node) && f.start <= by);
}

function ackersOf(w: OpPair): string[] {
  return (traceOf(w).replicas ?? []).filter((r) => r.ok !== false).map((r) => r.node);
}

function older(reply: ReplicaReply, version: number | null): boolean {
  return reply.version === null || (version !== null && reply.version < version);
}

function killedBetween(faults: readonly FaultSpan[], node: string, from: number, to: number): FaultSpan | undefined {
  return faults.find((f) => f.kind === 'kill' && f.nodes.includes(node) && f.start >= from && f.start <= to);
}

function nodeFault(faults: readonly FaultSpan[], node: string, from: number, to: number): string | undefined {
  const f = faults.find((span) => span.start <= to && span.end >= from && (span.nodes.includes(node) || span.description.includes(node)));
  return f ? `${f.description} at ${secs(f.start)}` : undefined;
}

function faultsDuring(faults: readonly FaultSpan[], from: number, to: number): string[] {
  return faults
    .filter((f) => f.start <= to && f.end >= from)
    .map((f) => (f.start === f.end ? `${f.description} at ${secs(f.start)}` : `${f.description} (${secs(f.start)}–${Number.isFinite(f.end) ? secs(f.end) : 'end'})`));
}

/** `{node-1, node-4} answered version 5`, or `{node-1, node-4} answered version 5 (node-1) and nothing (node-4)`. */
function replies(answers: readonly ReplicaReply[]): string {
  const said = (a: ReplicaReply) => (a.version === null ? 'nothing' : `version ${a.version}`);
  const all = [...new Set(answers.map(said))];
  const what = all.length === 1 ? all[0] : answers.map((a) => `${said(a)} (${a.node})`).join(' and ');
  return `${set(answers.map((a) => a.node))} answered ${what}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'nothing' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
