/**
 * Member table and failure detection. Pure: no timers, no I/O; every method takes the time.
 *
 * A member is `alive` while heard from recently, `suspect` after `suspectAfterMs` of silence, `dead`
 * after `deadAfterMs`. Hearing from a suspect or dead member makes it alive again. A member is never
 * forgotten for its silence: dead ones keep being heartbeated so they can come back. Only a member
 * that leaves (it says so) is dropped, and its id retired. Changes are returned as data, each with a
 * reason, for the caller to log. The table holds at most `maxMembers` (self included): every member
 * costs a heartbeat per interval and points on the ring, so a peer naming thousands of made-up
 * members must not be able to make this node heartbeat them all. The retired ids are bounded the
 * same way (`MAX_RETIRED`, the oldest forgotten first).
 */
import { compareIds } from './ids.js';

export type PeerState = 'alive' | 'suspect' | 'dead';

/** The most members a node keeps in its table, itself included (and the most one message may list). */
export const MAX_MEMBERS = 256;

/**
 * The most retired ids a node remembers (and the most one heartbeat may carry). Past it the oldest is
 * forgotten: a member that left that long ago is in no member list still in flight, and a peer passing
 * on made-up departures must not be able to grow this table without end.
 */
export const MAX_RETIRED = 256;

export interface Timings {
  suspectAfterMs: number;
  deadAfterMs: number;
}

export function classify(lastHeardMs: number, nowMs: number, t: Timings): PeerState {
  const silence = nowMs - lastHeardMs;
  if (silence >= t.deadAfterMs) return 'dead';
  if (silence >= t.suspectAfterMs) return 'suspect';
  return 'alive';
}

export interface Member {
  id: string;
  /** The address the member advertises (or the one we were given, until it speaks for itself). */
  addr: string;
  state: PeerState;
  lastHeardMs: number;
  self: boolean;
}

/** A member appeared in the table. */
export interface Joined {
  kind: 'joined';
  peer: string;
  addr: string;
  /** How we learned of it: `--peer`, `heartbeat from node-1`, `member list of node-1`, ... */
  via: string;
}

/** A member changed state. */
export interface Transition {
  kind: 'transition';
  peer: string;
  from: PeerState;
  to: PeerState;
  reason: string;
  silenceMs: number;
}

/** A member was not added: the table is full. */
export interface Refused {
  kind: 'refused';
  peer: string;
  via: string;
}

/** A member left the cluster for good and was dropped from the table. */
export interface Left {
  kind: 'left';
  peer: string;
  /** How we learned of it: `its announcement`, `left list of node-2`. */
  via: string;
}

export type MembershipChange = Joined | Transition | Refused | Left;

export class Membership {
  private readonly table = new Map<string, Member>();
  /**
   * Members that left for good. Their ids are retired: member lists and heartbeats still in flight
   * would otherwise bring them back, so a retired id is never learned again.
   */
  private readonly retired = new Set<string>();
  private lastTickMs: number | undefined;
  /** Increases whenever a member joins or changes state: lets callers cache what they derive. */
  generation = 0;

  constructor(
    readonly selfId: string,
    selfAddr: string,
    readonly timings: Timings,
    nowMs: number,
    readonly maxMembers = MAX_MEMBERS,
    readonly maxRetired = MAX_RETIRED,
  ) {
    this.table.set(selfId, { id: selfId, addr: selfAddr, state: 'alive', lastHeardMs: nowMs, self: true });
  }

  /**
   * Someone told us about a member (a `--peer` flag, a member list in a heartbeat). Unknown members are
   * added as alive with a fresh grace period; known ones are left alone: only the member itself is
   * believed about its own address and liveness.
   */
  learn(id: string, addr: string, nowMs: number, via: string): Joined | Refused | undefined {
    if (this.table.has(id) || this.retired.has(id)) return undefined;
    if (this.table.size >= this.maxMembers) return { kind: 'refused', peer: id, via };
    this.table.set(id, { id, addr, state: 'alive', lastHeardMs: nowMs, self: false });
    this.generation++;
    return { kind: 'joined', peer: id, addr, via };
  }

  /** We heard from the member itself (its heartbeat, or its answer to ours). */
  heard(id: string, addr: string, nowMs: number, how: string): MembershipChange[] {
    if (id === this.selfId || this.retired.has(id)) return [];
    const m = this.table.get(id);
    if (!m) {
      if (this.table.size >= this.maxMembers) return [{ kind: 'refused', peer: id, via: how }];
      this.table.set(id, { id, addr, state: 'alive', lastHeardMs: nowMs, self: false });
      this.generation++;
      return [{ kind: 'joined', peer: id, addr, via: how }];
    }
    const silenceMs = Math.max(0, nowMs - m.lastHeardMs);
    m.lastHeardMs = Math.max(m.lastHeardMs, nowMs);
    if (addr) m.addr = addr;
    if (m.state === 'alive') return [];
    const from = m.state;
    m.state = 'alive';
    this.generation++;
    return [{ kind: 'transition', peer: id, from, to: 'alive', reason: `${how} after ${silenceMs}ms of silence`, silenceMs }];
  }

  /**
   * Reclassify every member by its silence. If this node itself stalled (a pause, a long GC) for
   * longer than the suspect threshold, that gap is not the peers' silence: it is forgiven once, and
   * reported, instead of accusing everyone at once.
   */
  tick(nowMs: number): { changes: Transition[]; stalledMs?: number } {
    let stalledMs: number | undefined;
    if (this.lastTickMs !== undefined && nowMs - this.lastTickMs > this.timings.suspectAfterMs) {
      stalledMs = nowMs - this.lastTickMs;
      const gap = stalledMs;
      for (const m of this.table.values()) if (!m.self && m.state !== 'dead') m.lastHeardMs = Math.min(nowMs, m.lastHeardMs + gap);
    }
    this.lastTickMs = nowMs;
    const changes: Transition[] = [];
    for (const m of this.table.values()) {
      if (m.self) {
        m.lastHeardMs = nowMs;
        continue;
      }
      const next = classify(m.lastHeardMs, nowMs, this.timings);
      // Silence only makes things worse; only hearing from a member brings it back.
      if (rank(next) <= rank(m.state)) continue;
      const silenceMs = nowMs - m.lastHeardMs;
      const threshold = next === 'dead' ? this.timings.deadAfterMs : this.timings.suspectAfterMs;
      changes.push({
        kind: 'transition',
        peer: m.id,
        from: m.state,
        to: next,
        reason: `no heartbeat for ${silenceMs}ms (${next} after ${threshold}ms)`,
        silenceMs,
      });
      m.state = next;
      this.generation++;
    }
    return stalledMs === undefined ? { changes } : { changes, stalledMs };
  }

  /**
   * The member left the cluster for good (it announced it, or a member passed the news on): it
   * leaves the table, and with it every ring, and its id is retired (even one never known here: a
   * stale member list must not bring it in later). Undefined when no member left the table.
   */
  retire(id: string, via: string): Left | undefined {
    if (id === this.selfId || this.retired.has(id)) return undefined;
    this.retired.add(id);
    if (this.retired.size > this.maxRetired) this.retired.delete(this.retired.values().next().value!);
    if (!this.table.delete(id)) return undefined;
    this.generation++;
    return { kind: 'left', peer: id, via };
  }

  isRetired(id: string): boolean {
    return this.retired.has(id);
  }

  /** Ids of members that left for good, passed on in heartbeats so that every member drops them. */
  retiredIds(): string[] {
    return [...this.retired].sort(compareIds);
  }

  get(id: string): Member | undefined {
    const m = this.table.get(id);
    return m && { ...m };
  }

  stateOf(id: string): PeerState | undefined {
    return this.table.get(id)?.state;
  }

  /** Every member, self included, in id order as the election ranks them (node-2 before node-10). */
  list(): Member[] {
    return [...this.table.values()].map((m) => ({ ...m })).sort((a, b) => compareIds(a.id, b.id));
  }

  /** Every known member id, self included, alive or not. */
  ids(): string[] {
    return [...this.table.keys()];
  }

  /** Members other than self. */
  peers(): Member[] {
    return this.list().filter((m) => !m.self);
  }

  /** Ids of members not marked dead (self included): the seed's routing set. */
  routableIds(): string[] {
    return [...this.table.values()].filter((m) => m.state !== 'dead').map((m) => m.id);
  }
}

function rank(s: PeerState): number {
  return s === 'alive' ? 0 : s === 'suspect' ? 1 : 2;
}
