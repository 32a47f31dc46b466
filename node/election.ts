/**
 * Bully leader election as a pure state machine: inputs in, new state and effects out. No timers,
 * no I/O; the caller (election-loop.ts) sends the messages the effects ask for and feeds back what
 * came of them.
 *
 * The rules: the highest id wins (ids compare numeric-aware, node-10 above node-9). A node starts an
 * election when it knows no leader, when its leader is suspect or dead, or when a member ranked above
 * its leader shows up or is heard while it follows the lower one. It asks every higher member; if none answers it becomes leader and announces
 * itself to everyone; if one answers it waits for that member's announcement, and starts over if none
 * comes. A node asked by a lower one answers and runs its own election. A node told of a leader ranked
 * below itself bullies it with an election. Under a partition each side elects its own leader: split
 * brain is possible, and visible in the logs.
 */
import { compareIds } from './ids.js';
import type { PeerState } from './membership.js';

export type ElectionPhase = 'idle' | 'asking' | 'awaiting-leader';

export interface ElectionState {
  readonly self: string;
  readonly leader: string | null;
  readonly phase: ElectionPhase;
  /** Increases with every election this node starts; answers to older rounds are ignored. */
  readonly round: number;
  /** In `awaiting-leader`: when to give up waiting and start over. */
  readonly deadlineMs: number;
  /** No election starts on a tick before this (start-up grace, and a pause after each election). */
  readonly quietUntilMs: number;
}

export interface ElectionContext {
  /** Every known member id other than self, alive or not. */
  members: readonly string[];
  /** How long to wait for a higher member's announcement once it answered. */
  awaitLeaderMs: number;
  /** Minimum time between the end of one election and the start of the next, on ticks. */
  cooldownMs: number;
}

export type ElectionInput =
  /** `aboveLeader`: a member this node hears (alive) that ranks above its leader, if any. */
  | { kind: 'tick'; nowMs: number; leaderState: PeerState | undefined; aboveLeader?: string }
  | { kind: 'peer-up'; peer: string; nowMs: number }
  | { kind: 'election-received'; from: string; nowMs: number }
  | { kind: 'answers'; round: number; okFrom: readonly string[]; nowMs: number }
  | { kind: 'leader-announced'; leader: string; nowMs: number };

export type ElectionEffect =
  /** Log it; ask `ask` (the higher members) and feed back their answers as `answers` for `round`. */
  | { kind: 'election-started'; reason: string; round: number; ask: string[] }
  /** Log it (only when the leader changes). */
  | { kind: 'leader-elected'; leader: string; reason: string }
  /** Tell `to` that `leader` leads. */
  | { kind: 'announce'; leader: string; to: string[] };

export interface ElectionStep {
  state: ElectionState;
  effects: ElectionEffect[];
}

export function initialElection(self: string, quietUntilMs = 0): ElectionState {
  return { self, leader: null, phase: 'idle', round: 0, deadlineMs: 0, quietUntilMs };
}

export function stepElection(state: ElectionState, input: ElectionInput, ctx: ElectionContext): ElectionStep {
  switch (input.kind) {
    case 'tick': {
      if (input.nowMs < state.quietUntilMs) return unchanged(state);
      if (state.phase === 'awaiting-leader') {
        if (input.nowMs >= state.deadlineMs) return startElection(state, ctx, 'no leader announced itself after a higher member answered', input.nowMs);
        return unchanged(state);
      }
      if (state.phase === 'asking') return unchanged(state);
      if (state.leader === null) return startElection(state, ctx, 'no leader known', input.nowMs);
      // A higher member's own announcement may have been lost (a dropped request): ask again, so
      // that one lost message cannot leave a node following (or being) the wrong leader for good.
      if (input.aboveLeader !== undefined && compareIds(input.aboveLeader, state.leader) > 0) {
        return startElection(state, ctx, `${input.aboveLeader} is alive and ranks above leader ${state.leader}`, input.nowMs);
      }
      if (state.leader === state.self) return unchanged(state);
      const ls = input.leaderState;
      if (ls === undefined) return startElection(state, ctx, `leader ${state.leader} is not a known member`, input.nowMs);
      if (ls !== 'alive') return startElection(state, ctx, `leader ${state.leader} is ${ls}`, input.nowMs);
      return unchanged(state);
    }
    case 'peer-up': {
      if (state.phase !== 'idle') return unchanged(state);
      if (state.leader !== null && compareIds(input.peer, state.leader) > 0) {
        return startElection(state, ctx, `${input.peer} is up and ranks above leader ${state.leader}`, input.nowMs);
      }
      return unchanged(state);
    }
    case 'election-received': {
      // The answer ("I am here, I will take over") is sent by the caller whatever the state.
      if (compareIds(input.from, state.self) >= 0) return unchanged(state);
      if (state.phase !== 'idle') return unchanged(state);
      return startElection(state, ctx, `${input.from} started an election`, input.nowMs);
    }
    case 'answers': {
      if (state.phase !== 'asking' || input.round !== state.round) return unchanged(state);
      if (input.okFrom.length === 0) return becomeLeader(state, ctx, 'no higher member answered', input.nowMs);
      return {
        state: { ...state, phase: 'awaiting-leader', deadlineMs: input.nowMs + ctx.awaitLeaderMs },
        effects: [],
      };
    }
    case 'leader-announced': {
      const c = compareIds(input.leader, state.self);
      if (c < 0) {
        if (state.phase !== 'idle') return unchanged(state);
        return startElection(state, ctx, `${input.leader} announced itself but ${state.self} ranks above it`, input.nowMs);
      }
      if (c === 0) return unchanged(state);
      const effects: ElectionEffect[] =
        state.leader === input.leader ? [] : [{ kind: 'leader-elected', leader: input.leader, reason: `announced by ${input.leader}` }];
      return {
        state: { ...state, leader: input.leader, phase: 'idle', deadlineMs: 0, quietUntilMs: input.nowMs + ctx.cooldownMs },
        effects,
      };
    }
  }
}

function unchanged(state: ElectionState): ElectionStep {
  return { state, effects: [] };
}

function startElection(state: ElectionState, ctx: ElectionContext, reason: string, nowMs: number): ElectionStep {
  const round = state.round + 1;
  const ask = ctx.members.filter((m) => compareIds(m, state.self) > 0).sort(compareIds);
  const started: ElectionEffect = { kind: 'election-started', reason, round, ask };
  if (ask.length === 0) {
    const won = becomeLeader({ ...state, round }, ctx, 'no member ranks above it', nowMs);
    return { state: won.state, effects: [started, ...won.effects] };
  }
  return { state: { ...state, phase: 'asking', round, deadlineMs: 0 }, effects: [started] };
}

function becomeLeader(state: ElectionState, ctx: ElectionContext, reason: string, nowMs: number): ElectionStep {
  const effects: ElectionEffect[] = [];
  if (state.leader !== state.self) effects.push({ kind: 'leader-elected', leader: state.self, reason });
  const to = ctx.members.filter((m) => m !== state.self);
  if (to.length > 0) effects.push({ kind: 'announce', leader: state.self, to });
  return {
    state: { ...state, leader: state.self, phase: 'idle', deadlineMs: 0, quietUntilMs: nowMs + ctx.cooldownMs },
    effects,
  };
}
