/**
 * Runs the Bully state machine of election.ts: feeds it ticks, membership news and messages, and
 * carries out its effects (ask higher members, announce, log).
 *
 * Messages: POST /internal/election {from} — answered 200 {ok:true} by any live member ("I am here,
 * I will take over"); POST /internal/leader {from, leader} — an announcement.
 */
import type { Cluster } from './cluster.js';
import { compareIds } from './ids.js';
import type { EventLog } from './log.js';
import { parseElection, parseLeader } from './peer-messages.js';
import { initialElection, stepElection, type ElectionContext, type ElectionEffect, type ElectionInput, type ElectionState } from './election.js';

export class ElectionLoop {
  private state: ElectionState;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly log: EventLog,
    private readonly clock: () => number = Date.now,
  ) {
    const c = cluster.config;
    // Give the join and the first heartbeats time to bring the member list before the first election.
    this.state = initialElection(c.id, clock() + 3 * c.heartbeatMs);
    cluster.onPeerUp((peer) => this.feed({ kind: 'peer-up', peer, nowMs: this.clock() }));
  }

  get leader(): string | null {
    return this.state.leader;
  }

  start(): void {
    this.timer = setInterval(() => {
      const leader = this.state.leader;
      const membership = this.cluster.membership;
      const aboveLeader =
        leader === null ? undefined : membership.ids().filter((id) => id !== this.cluster.config.id && membership.stateOf(id) === 'alive' && compareIds(id, leader) > 0).sort(compareIds).at(-1);
      this.feed({ kind: 'tick', nowMs: this.clock(), leaderState: leader === null ? undefined : membership.stateOf(leader), ...(aboveLeader ? { aboveLeader } : {}) });
    }, this.cluster.config.heartbeatMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** POST /internal/election (a body that is not one throws BadRequest before anything changes) */
  receiveElection(body: unknown): { ok: true; id: string } {
    const { from } = parseElection(body);
    this.cluster.heardFrom(from, 'election message from it');
    this.feed({ kind: 'election-received', from: from.id, nowMs: this.clock() });
    return { ok: true, id: this.cluster.config.id };
  }

  /** POST /internal/leader (a body that is not one throws BadRequest before anything changes) */
  receiveLeader(body: unknown): { ok: true } {
    const { from, leader } = parseLeader(body);
    this.cluster.heardFrom(from, 'leader announcement from it');
    this.feed({ kind: 'leader-announced', leader, nowMs: this.clock() });
    return { ok: true };
  }

  private context(): ElectionContext {
    const c = this.cluster.config;
    return {
      members: this.cluster.membership.ids().filter((id) => id !== c.id),
      awaitLeaderMs: 3 * c.requestTimeoutMs + c.heartbeatMs,
      cooldownMs: c.suspectAfterMs,
    };
  }

  private feed(input: ElectionInput): void {
    if (this.stopped) return;
    const { state, effects } = stepElection(this.state, input, this.context());
    this.state = state;
    this.cluster.leader = state.leader;
    for (const e of effects) this.carryOut(e);
  }

  private carryOut(e: ElectionEffect): void {
    const self = this.cluster.self;
    switch (e.kind) {
      case 'election-started': {
        this.log('election-started', { reason: e.reason, round: e.round, asked: e.ask });
        if (e.ask.length === 0) return;
        void Promise.allSettled(e.ask.map((peer) => this.cluster.transport.post<{ ok?: boolean }>({ peer }, '/internal/election', { from: self }))).then((results) => {
          const okFrom = e.ask.filter((_, i) => {
            const r = results[i]!;
            return r.status === 'fulfilled' && r.value?.ok === true;
          });
          this.feed({ kind: 'answers', round: e.round, okFrom, nowMs: this.clock() });
        });
        return;
      }
      case 'leader-elected':
        this.log('leader-elected', { leader: e.leader, self: e.leader === self.id, reason: e.reason });
        return;
      case 'announce':
        for (const peer of e.to) this.cluster.transport.post({ peer }, '/internal/leader', { from: self, leader: e.leader }).catch(() => {});
        return;
    }
  }
}
