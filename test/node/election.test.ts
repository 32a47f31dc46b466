import { describe, expect, it } from 'vitest';
import { initialElection, stepElection, type ElectionEffect, type ElectionInput, type ElectionState } from '../../node/election.js';

/**
 * A tiny synchronous network of Bully state machines: messages are delivered at once between nodes
 * that can reach each other, and not at all otherwise (as timeouts would). Time only moves on ticks.
 */
class Sim {
  states = new Map<string, ElectionState>();
  log: { node: string; effect: ElectionEffect }[] = [];
  now = 0;
  cut = new Set<string>(); // "a|b": a cannot reach b

  constructor(readonly ids: string[]) {
    for (const id of ids) this.states.set(id, initialElection(id));
  }

  reach(a: string, b: string): boolean {
    return !this.cut.has(`${a}|${b}`);
  }

  partition(...groups: string[][]): void {
    this.cut.clear();
    for (const g of groups) for (const a of g) for (const b of this.ids) if (!g.includes(b)) this.cut.add(`${a}|${b}`);
  }

  leaderOf(id: string): string | null {
    return this.states.get(id)!.leader;
  }

  feed(node: string, input: ElectionInput): void {
    const ctx = { members: this.ids.filter((m) => m !== node), awaitLeaderMs: 1000, cooldownMs: 500 };
    const { state, effects } = stepElection(this.states.get(node)!, input, ctx);
    this.states.set(node, state);
    for (const effect of effects) {
      this.log.push({ node, effect });
      if (effect.kind === 'election-started' && effect.ask.length > 0) {
        const okFrom: string[] = [];
        for (const peer of effect.ask) {
          if (this.reach(node, peer) && this.reach(peer, node)) {
            okFrom.push(peer);
            this.feed(peer, { kind: 'election-received', from: node, nowMs: this.now });
          }
        }
        this.feed(node, { kind: 'answers', round: effect.round, okFrom, nowMs: this.now });
      }
      if (effect.kind === 'announce') {
        for (const peer of effect.to) if (this.reach(node, peer)) this.feed(peer, { kind: 'leader-announced', leader: effect.leader, nowMs: this.now });
      }
    }
  }

  /** Every node ticks; a node sees its leader alive iff it can hear from it. */
  tick(ms = 100): void {
    this.now += ms;
    for (const id of this.ids) {
      const leader = this.states.get(id)!.leader;
      const leaderState = leader === null ? undefined : leader === id || this.reach(leader, id) ? 'alive' : 'dead';
      this.feed(id, { kind: 'tick', nowMs: this.now, leaderState });
    }
  }

  peerUp(node: string, peer: string): void {
    this.feed(node, { kind: 'peer-up', peer, nowMs: this.now });
  }

  run(ms: number): void {
    for (let t = 0; t < ms; t += 100) this.tick();
  }
}

describe('Bully election', () => {
  it('the highest id wins and everyone agrees', () => {
    const sim = new Sim(['node-1', 'node-2', 'node-3']);
    sim.run(2000);
    for (const id of sim.ids) expect(sim.leaderOf(id)).toBe('node-3');
  });

  it('ids compare numeric-aware: node-10 beats node-9', () => {
    const sim = new Sim(['node-9', 'node-10', 'node-2']);
    sim.run(2000);
    for (const id of sim.ids) expect(sim.leaderOf(id)).toBe('node-10');
  });

  it('a node that elects itself says so', () => {
    const sim = new Sim(['node-1', 'node-2', 'node-3']);
    sim.run(1000);
    expect(sim.log).toContainEqual({ node: 'node-3', effect: expect.objectContaining({ kind: 'leader-elected', leader: 'node-3' }) });
  });

  it('when the leader is dead the next highest takes over', () => {
    const sim = new Sim(['node-1', 'node-2', 'node-3']);
    sim.run(1000);
    sim.partition(['node-1', 'node-2'], ['node-3']); // node-3 gone from the others' point of view
    sim.run(2000);
    expect(sim.leaderOf('node-1')).toBe('node-2');
    expect(sim.leaderOf('node-2')).toBe('node-2');
    const started = sim.log.filter((l) => l.effect.kind === 'election-started' && l.effect.reason.includes('leader node-3 is dead'));
    expect(started.length).toBeGreaterThan(0);
  });

  it('under a partition each side elects its own leader (split brain), and after healing the highest wins again', () => {
    const sim = new Sim(['node-1', 'node-2', 'node-3', 'node-4']);
    sim.run(1000);
    expect(sim.leaderOf('node-1')).toBe('node-4');
    sim.partition(['node-1', 'node-2'], ['node-3', 'node-4']);
    sim.run(2000);
    expect(sim.leaderOf('node-1')).toBe('node-2');
    expect(sim.leaderOf('node-3')).toBe('node-4');
    sim.partition(); // heal
    sim.peerUp('node-2', 'node-4'); // the membership layer reports node-4 back
    sim.run(2000);
    for (const id of sim.ids) expect(sim.leaderOf(id)).toBe('node-4');
  });

  it('a lower node announcing itself is bullied by a higher one', () => {
    let s = initialElection('node-3');
    const ctx = { members: ['node-1', 'node-2'], awaitLeaderMs: 1000, cooldownMs: 0 };
    const step = stepElection(s, { kind: 'leader-announced', leader: 'node-1', nowMs: 0 }, ctx);
    s = step.state;
    expect(step.effects[0]).toMatchObject({ kind: 'election-started' });
    expect(step.effects).toContainEqual(expect.objectContaining({ kind: 'leader-elected', leader: 'node-3' }));
    expect(step.effects).toContainEqual({ kind: 'announce', leader: 'node-3', to: ['node-1', 'node-2'] });
    expect(s.leader).toBe('node-3');
  });

  it('a node whose higher peer answered but never announced starts over', () => {
    const ctx = { members: ['node-2'], awaitLeaderMs: 1000, cooldownMs: 0 };
    let s = initialElection('node-1');
    let step = stepElection(s, { kind: 'tick', nowMs: 0, leaderState: undefined }, ctx);
    s = step.state;
    expect(step.effects).toEqual([{ kind: 'election-started', reason: 'no leader known', round: 1, ask: ['node-2'] }]);
    s = stepElection(s, { kind: 'answers', round: 1, okFrom: ['node-2'], nowMs: 10 }, ctx).state;
    expect(s.phase).toBe('awaiting-leader');
    expect(stepElection(s, { kind: 'tick', nowMs: 500, leaderState: undefined }, ctx).effects).toEqual([]);
    step = stepElection(s, { kind: 'tick', nowMs: 1010, leaderState: undefined }, ctx);
    expect(step.effects[0]).toMatchObject({ kind: 'election-started', round: 2 });
    // A late answer to round 1 is ignored.
    expect(stepElection(step.state, { kind: 'answers', round: 1, okFrom: [], nowMs: 1020 }, ctx).state.leader).toBeNull();
    // No answer to round 2: node-1 leads.
    expect(stepElection(step.state, { kind: 'answers', round: 2, okFrom: [], nowMs: 1020 }, ctx).state.leader).toBe('node-1');
  });

  it('a node that follows (or is) a lower leader while it hears a higher member asks again: a lost announcement is not for good', () => {
    const ctx = { members: ['node-2', 'node-3'], awaitLeaderMs: 1000, cooldownMs: 0 };
    const follower = { ...initialElection('node-1'), leader: 'node-2' };
    // node-3's announcement never came; node-1 still hears node-3 alive.
    const step = stepElection(follower, { kind: 'tick', nowMs: 100, leaderState: 'alive', aboveLeader: 'node-3' }, ctx);
    expect(step.effects).toEqual([{ kind: 'election-started', reason: 'node-3 is alive and ranks above leader node-2', round: 1, ask: ['node-2', 'node-3'] }]);
    // Nobody above the leader: nothing to do.
    expect(stepElection(follower, { kind: 'tick', nowMs: 100, leaderState: 'alive' }, ctx).effects).toEqual([]);
    // A leader that hears a higher member asks it too.
    const leader = { ...initialElection('node-2'), leader: 'node-2' };
    expect(stepElection(leader, { kind: 'tick', nowMs: 100, leaderState: 'alive', aboveLeader: 'node-3' }, ctx).effects[0]).toMatchObject({ kind: 'election-started', ask: ['node-3'] });
  });

  it('no election starts on a tick during the start-up grace', () => {
    const s = initialElection('node-1', 600);
    expect(stepElection(s, { kind: 'tick', nowMs: 100, leaderState: undefined }, { members: [], awaitLeaderMs: 1, cooldownMs: 0 }).effects).toEqual([]);
    expect(stepElection(s, { kind: 'tick', nowMs: 600, leaderState: undefined }, { members: [], awaitLeaderMs: 1, cooldownMs: 0 }).state.leader).toBe('node-1');
  });
});
