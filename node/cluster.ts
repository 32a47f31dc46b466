/**
 * This node's view of the cluster, kept current by heartbeats: who the members are, where to dial
 * them, which are alive, and the rings built from them. The rules live in membership.ts and ring.ts;
 * this file runs the timers and speaks to the network.
 *
 * - Joining: with `--seed`, the node asks the seed for its member list until one answer arrives.
 * - Heartbeats: every `heartbeatMs` the node sends each other member (dead ones too, so they can come
 *   back) its id, address and member list; the answer carries the receiver's. Hearing from a member,
 *   either way, refreshes it; names in member lists are learned, so everyone learns everyone, and a
 *   node restarted knowing nobody relearns the membership from the heartbeats it receives.
 * - Leaving: a node asked to leave stops its heartbeats and tells every member (`/internal/leave`);
 *   they drop it and retire its id, and pass the retired ids on in their heartbeats, so a member
 *   that missed the announcement drops it too. Nothing hands the leaver's data over.
 */
import type { NodeConfig } from './flags.js';
import type { EventLog } from './log.js';
import { Membership, type Member, type MembershipChange } from './membership.js';
import { buildRing, type Ring } from './ring.js';
import { chooseReplicaSet } from './quorum.js';
import { Transport, PeerError } from './transport.js';
import { ID_PATTERN } from './ids.js';
import { BadRequest } from './server.js';

export interface MemberRef {
  id: string;
  addr: string;
}

/** Body of /internal/heartbeat and /internal/join, and of their answers. */
export interface HeartbeatMessage {
  from: MemberRef;
  members: MemberRef[];
  leader: string | null;
  /** Members that left for good (absent while none has). */
  left?: string[];
}

/** What a leaving node's announcement came to: the members that heard it, and those that did not answer. */
export interface LeaveOutcome {
  told: string[];
  missed: string[];
}

export class Cluster {
  readonly membership: Membership;
  readonly transport: Transport;
  /** Heartbeats awaiting an answer, per peer: a few may overlap (so one lost heartbeat does not silence a peer for a whole timeout), never more. */
  private readonly inFlight = new Map<string, number>();
  private readonly upListeners: ((peer: string) => void)[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private joinTimer: NodeJS.Timeout | undefined;
  private joinFailures = 0;
  private ringCache: { all: Ring; routable: Ring; allKey: string; routableKey: string; generation: number } | undefined;
  /** Where to dial each member that has an override: `--peer` at start, `/cluster/dial` later. */
  private readonly dials: Map<string, string>;
  /** Who this node believes leads; set by the election loop, carried in heartbeats. */
  leader: string | null = null;

  constructor(
    readonly config: NodeConfig,
    private readonly log: EventLog,
    private readonly clock: () => number = Date.now,
  ) {
    this.membership = new Membership(config.id, config.addr, config, clock());
    this.dials = new Map(config.peers);
    this.transport = new Transport({
      requestTimeoutMs: config.requestTimeoutMs,
      chaos: { enabled: config.chaos, drop: config.chaosDrop, delayMs: config.chaosDelayMs },
      resolve: (peer) => this.dials.get(peer) ?? this.membership.get(peer)?.addr,
    });
    for (const [id, addr] of config.peers) this.record([this.membership.learn(id, addr, clock(), '--peer')]);
  }

  get self(): MemberRef {
    return { id: this.config.id, addr: this.config.addr };
  }

  /** Called with a member id whenever one joins or comes back alive. */
  onPeerUp(listener: (peer: string) => void): void {
    this.upListeners.push(listener);
  }

  start(): void {
    if (this.config.seed && this.config.seed !== this.config.addr) this.tryJoin();
    this.heartbeatTimer = setInterval(() => this.beat(), this.config.heartbeatMs);
  }

  stop(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.joinTimer);
    this.transport.close();
  }

  /**
   * Dial `addr` to reach member `id` from now on, whatever it advertises: `--peer` for a member that
   * joins after this node started (the harness routes its links through its proxies this way).
   */
  dialVia(id: string, addr: string): void {
    this.dials.set(id, addr);
  }

  /**
   * Leave the cluster for good: stop heartbeating (so no one relearns this node from it), then tell
   * every member and wait for their answers, each bounded by the request timeout. A member that did
   * not answer learns it from the others' heartbeats.
   */
  async announceLeave(): Promise<LeaveOutcome> {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.joinTimer);
    const peers = this.membership.peers().map((m) => m.id);
    const answers = await Promise.allSettled(peers.map((peer) => this.transport.post<{ ok?: boolean }>({ peer }, '/internal/leave', { from: this.self })));
    const told = peers.filter((_, i) => answers[i]!.status === 'fulfilled');
    return { told, missed: peers.filter((p) => !told.includes(p)) };
  }

  // ---- routing ----------------------------------------------------------------------------------

  /** Rings over every known member (strict) and over members not marked dead (sloppy), cached. */
  rings(): { all: Ring; routable: Ring } {
    const c = this.ringCache;
    const generation = this.membership.generation;
    if (c && c.generation === generation) return c;
    const allIds = this.membership.ids().sort();
    const routableIds = this.membership.routableIds().sort();
    const allKey = allIds.join(',');
    const routableKey = routableIds.join(',');
    const all = c && c.allKey === allKey ? c.all : buildRing(allIds, this.config.vnodes);
    const routable = routableKey === allKey ? all : c && c.routableKey === routableKey ? c.routable : buildRing(routableIds, this.config.vnodes);
    this.ringCache = { all, routable, allKey, routableKey, generation };
    return this.ringCache;
  }

  replicaSet(key: string): string[] {
    return chooseReplicaSet(key, this.config.N, this.config.quorum, this.rings());
  }

  // ---- messages -----------------------------------------------------------------------------------

  message(): HeartbeatMessage {
    const left = this.membership.retiredIds();
    return {
      from: this.self,
      members: this.membership.list().map((m) => ({ id: m.id, addr: m.addr })),
      leader: this.leader,
      ...(left.length > 0 ? { left } : {}),
    };
  }

  /** A member spoke to us (heartbeat, join, election message) or answered us. */
  heardFrom(from: unknown, how: string): string | undefined {
    const ref = asMemberRef(from);
    if (!ref) return undefined;
    this.record(this.membership.heard(ref.id, ref.addr, this.clock(), how));
    return ref.id;
  }

  /** Learn the members named in a member list. */
  learnMembers(members: unknown, via: string): void {
    if (!Array.isArray(members)) return;
    const now = this.clock();
    for (const m of members) {
      const ref = asMemberRef(m);
      if (ref && ref.id !== this.config.id) this.record([this.membership.learn(ref.id, ref.addr, now, via)]);
    }
  }

  /** Drop the members a heartbeat or a join answer says have left. */
  learnLeft(left: unknown, via: string): void {
    if (!Array.isArray(left)) return;
    for (const id of left) if (typeof id === 'string' && ID_PATTERN.test(id)) this.record([this.membership.retire(id, via)]);
  }

  /** Handle /internal/heartbeat and /internal/join: note the sender, learn its members, answer with ours. */
  receiveHeartbeat(body: unknown, kind: 'heartbeat' | 'join'): HeartbeatMessage {
    const msg = body as Partial<HeartbeatMessage> | null;
    const ref = asMemberRef(msg?.from);
    if (kind === 'join' && ref && this.membership.isRetired(ref.id)) {
      throw new BadRequest(`${ref.id} left this cluster, and a member that left cannot join again under the same id (start it with a new --id)`);
    }
    const id = this.heardFrom(msg?.from, `${kind} from it`);
    if (id) {
      this.learnLeft(msg?.left, `left list of ${id}`);
      this.learnMembers(msg?.members, `member list of ${id}`);
    }
    return this.message();
  }

  /** Handle /internal/leave: the sender leaves the cluster for good. */
  receiveLeave(body: unknown): { ok: true; id: string } {
    const ref = asMemberRef((body as { from?: unknown } | null)?.from);
    if (!ref) throw new BadRequest('a leave names the member that leaves: {"from": {"id", "addr"}}');
    this.record([this.membership.retire(ref.id, 'its announcement')]);
    return { ok: true, id: this.config.id };
  }

  private beat(): void {
    const { changes, stalledMs } = this.membership.tick(this.clock());
    if (stalledMs !== undefined) this.log('stalled', { gapMs: stalledMs, note: 'this node did not run for a while; peers were not blamed for the gap' });
    this.record(changes);
    const msg = this.message();
    for (const peer of this.membership.peers()) {
      const waiting = this.inFlight.get(peer.id) ?? 0;
      if (waiting >= 3) continue; // a dead or cut-off peer: do not pile up
      this.inFlight.set(peer.id, waiting + 1);
      this.transport
        .post<HeartbeatMessage>({ peer: peer.id }, '/internal/heartbeat', msg)
        .then((answer) => {
          const ref = asMemberRef(answer?.from);
          if (ref?.id !== peer.id) return; // someone else lives at that address now
          this.heardFrom(ref, 'answered a heartbeat');
          this.learnLeft(answer.left, `left list of ${peer.id}`);
          this.learnMembers(answer.members, `member list of ${peer.id}`);
        })
        .catch(() => {})
        .finally(() => {
          const left = (this.inFlight.get(peer.id) ?? 1) - 1;
          if (left > 0) this.inFlight.set(peer.id, left);
          else this.inFlight.delete(peer.id);
        });
    }
  }

  private tryJoin(): void {
    const seed = this.config.seed!;
    this.transport
      .post<HeartbeatMessage>({ addr: seed }, '/internal/join', this.message())
      .then((answer) => {
        const ref = asMemberRef(answer?.from);
        if (!ref) throw new PeerError(seed, 'answered without a member id');
        if (ref.id !== this.config.id) {
          this.heardFrom(ref, 'answered our join');
          this.learnLeft(answer.left, `left list of ${ref.id}`);
          this.learnMembers(answer.members, `member list of ${ref.id}`);
        }
        this.log('joined', { seed, via: ref.id, members: this.membership.ids().length, attempts: this.joinFailures + 1 });
      })
      .catch((e: unknown) => {
        this.joinFailures++;
        // Say it once, then every 25 attempts, not every heartbeat.
        if (this.joinFailures === 1 || this.joinFailures % 25 === 0) {
          this.log('join-failed', { seed, attempts: this.joinFailures, reason: e instanceof PeerError ? e.reason : String(e), note: 'retrying' });
        }
        this.joinTimer = setTimeout(() => this.tryJoin(), this.config.heartbeatMs);
      });
  }

  /** Log membership changes and tell listeners about members that came up. */
  private record(changes: readonly (MembershipChange | undefined)[]): void {
    for (const c of changes) {
      if (!c) continue;
      if (c.kind === 'joined') {
        this.log('member-joined', { peer: c.peer, addr: c.addr, via: c.via, dial: this.dials.get(c.peer) ?? c.addr });
        this.emitUp(c.peer);
      } else if (c.kind === 'left') {
        this.log('member-left', { peer: c.peer, via: c.via });
      } else {
        this.log(c.to, { peer: c.peer, from: c.from, silenceMs: c.silenceMs, reason: c.reason });
        if (c.to === 'alive') this.emitUp(c.peer);
      }
    }
  }

  private emitUp(peer: string): void {
    for (const l of this.upListeners) l(peer);
  }

  statusMembers(nowMs = this.clock()): (Omit<Member, 'self' | 'lastHeardMs'> & { lastHeardMs: number; dial?: string })[] {
    return this.membership.list().map((m) => {
      const dial = this.dials.get(m.id);
      return {
        id: m.id,
        addr: m.addr,
        state: m.state,
        lastHeardMs: m.self ? 0 : Math.max(0, nowMs - m.lastHeardMs),
        ...(dial && dial !== m.addr ? { dial } : {}),
      };
    });
  }
}

function asMemberRef(x: unknown): MemberRef | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { id, addr } = x as { id?: unknown; addr?: unknown };
  if (typeof id !== 'string' || typeof addr !== 'string' || !ID_PATTERN.test(id) || addr.length > 300) return undefined;
  return { id, addr };
}
