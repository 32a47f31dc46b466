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
import { BadRequest } from './bad-request.js';
import { parseHeartbeat, parseLeave, type HeartbeatMessage, type MemberRef } from './peer-messages.js';

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
  private refusedMembers = 0;
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
      secret: config.clusterSecret,
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
    if (id === this.config.id) throw new BadRequest(`dial request: "id" ${id} is this node itself; give the dial address of another member`);
    if (!this.dials.has(id) && this.dials.size >= this.membership.maxMembers) {
      throw new BadRequest(`dial request: this node already holds dial addresses for ${this.dials.size} members, the most it keeps (${this.membership.maxMembers})`, 409);
    }
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
  heardFrom(ref: MemberRef, how: string): void {
    this.record(this.membership.heard(ref.id, ref.addr, this.clock(), how));
  }

  /** Learn the members named in a member list. */
  learnMembers(members: readonly MemberRef[], via: string): void {
    const now = this.clock();
    for (const ref of members) if (ref.id !== this.config.id) this.record([this.membership.learn(ref.id, ref.addr, now, via)]);
  }

  /** Drop the members a heartbeat or a join answer says have left (ids already read by parseHeartbeat). */
  learnLeft(left: readonly string[] | undefined, via: string): void {
    for (const id of left ?? []) this.record([this.membership.retire(id, via)]);
  }

  /**
   * Handle /internal/heartbeat and /internal/join: note the sender, drop the members it says left,
   * learn its members, answer with ours. A body that is not a heartbeat, or a join under a retired
   * id, throws BadRequest before anything is noted.
   */
  receiveHeartbeat(body: unknown, kind: 'heartbeat' | 'join'): HeartbeatMessage {
    const msg = parseHeartbeat(body, kind);
    if (kind === 'join' && this.membership.isRetired(msg.from.id)) {
      throw new BadRequest(`${msg.from.id} left this cluster, and a member that left cannot join again under the same id (start it with a new --id)`);
    }
    this.heardFrom(msg.from, `${kind} from it`);
    this.learnLeft(msg.left, `left list of ${msg.from.id}`);
    this.learnMembers(msg.members, `member list of ${msg.from.id}`);
    return this.message();
  }

  /** Handle /internal/leave: the sender leaves the cluster for good. */
  receiveLeave(body: unknown): { ok: true; id: string } {
    const { from } = parseLeave(body);
    this.record([this.membership.retire(from.id, 'its announcement')]);
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
        .post<unknown>({ peer: peer.id }, '/internal/heartbeat', msg)
        .then((body) => {
          const answer = parseHeartbeat(body, 'heartbeat answer');
          if (answer.from.id !== peer.id) return; // someone else lives at that address now
          this.heardFrom(answer.from, 'answered a heartbeat');
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
      .post<unknown>({ addr: seed }, '/internal/join', this.message())
      .then((body) => {
        let answer: HeartbeatMessage;
        try {
          answer = parseHeartbeat(body, 'join answer');
        } catch (e) {
          throw new PeerError(seed, `answered with a malformed member list (${(e as Error).message})`);
        }
        const ref = answer.from;
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
      if (c.kind === 'refused') {
        if (this.refusedMembers++ % 100 === 0) {
          this.log('member-refused', { peer: c.peer, via: c.via, members: this.membership.ids().length, refused: this.refusedMembers, reason: `the member table is full (${this.membership.maxMembers})` });
        }
      } else if (c.kind === 'joined') {
        this.log('member-joined', { peer: c.peer, addr: c.addr, via: c.via, dial: this.dials.get(c.peer) ?? c.addr });
        this.emitUp(c.peer);
      } else if (c.kind === 'left') {
        this.dials.delete(c.peer);
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
