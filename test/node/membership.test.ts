import { describe, expect, it } from 'vitest';
import { Membership, classify } from '../../node/membership.js';

const t = { suspectAfterMs: 1000, deadAfterMs: 3000 };

describe('classify', () => {
  it('is alive, then suspect at suspect-after, then dead at dead-after', () => {
    expect(classify(0, 999, t)).toBe('alive');
    expect(classify(0, 1000, t)).toBe('suspect');
    expect(classify(0, 2999, t)).toBe('suspect');
    expect(classify(0, 3000, t)).toBe('dead');
  });
});

describe('membership', () => {
  it('a silent member becomes suspect, then dead, each transition with a reason', () => {
    const m = new Membership('node-1', '127.0.0.1:1', t, 0);
    expect(m.heard('node-2', '127.0.0.1:2', 0, 'heartbeat from it')).toMatchObject([{ kind: 'joined', peer: 'node-2' }]);
    for (let now = 100; now < 1000; now += 100) expect(m.tick(now).changes).toEqual([]);
    const s = m.tick(1000).changes;
    expect(s).toMatchObject([{ peer: 'node-2', from: 'alive', to: 'suspect', silenceMs: 1000 }]);
    expect(s[0]!.reason).toMatch(/no heartbeat for 1000ms/);
    for (let now = 1100; now < 3000; now += 100) expect(m.tick(now).changes).toEqual([]);
    expect(m.tick(3000).changes).toMatchObject([{ peer: 'node-2', from: 'suspect', to: 'dead' }]);
    expect(m.tick(3100).changes).toEqual([]); // dead stays dead, no repeated transitions
    expect(m.stateOf('node-2')).toBe('dead');
  });

  it('a dead member heard from again becomes alive, with the silence in the reason', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    m.tick(900);
    m.tick(1800);
    m.tick(2700);
    m.tick(3600);
    expect(m.stateOf('node-2')).toBe('dead');
    const back = m.heard('node-2', 'a:2', 5000, 'heartbeat from it');
    expect(back).toMatchObject([{ kind: 'transition', peer: 'node-2', from: 'dead', to: 'alive', silenceMs: 5000 }]);
    expect((back[0] as { reason: string }).reason).toBe('heartbeat from it after 5000ms of silence');
    expect(m.stateOf('node-2')).toBe('alive');
  });

  it('dead members stay in the table (they keep being heartbeated) but leave the routing set', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    m.heard('node-3', 'a:3', 0, 'x');
    m.heard('node-3', 'a:3', 2500, 'x');
    m.tick(1000);
    m.tick(2000);
    m.tick(2900);
    m.tick(3000);
    expect(m.stateOf('node-2')).toBe('dead');
    expect(m.peers().map((p) => p.id)).toEqual(['node-2', 'node-3']);
    expect(m.routableIds().sort()).toEqual(['node-1', 'node-3']);
    expect(m.ids().sort()).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('suspect members stay in the routing set', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    m.tick(500);
    m.tick(1500);
    expect(m.stateOf('node-2')).toBe('suspect');
    expect(m.routableIds().sort()).toEqual(['node-1', 'node-2']);
  });

  it('learning from a member list adds unknown members once and does not override what the member said itself', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    expect(m.learn('node-2', 'a:2', 0, 'member list of node-3')).toMatchObject({ kind: 'joined', peer: 'node-2', via: 'member list of node-3' });
    expect(m.learn('node-2', 'b:2', 10, 'member list of node-3')).toBeUndefined();
    expect(m.get('node-2')?.addr).toBe('a:2');
    m.heard('node-2', 'c:2', 20, 'heartbeat from it');
    expect(m.get('node-2')?.addr).toBe('c:2');
    expect(m.learn('node-1', 'z:1', 0, 'x')).toBeUndefined(); // self is known
  });

  it('a node that stalled does not blame its peers for its own gap', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    m.tick(200);
    const after = m.tick(200 + 5000); // e.g. SIGSTOP for 5 s
    expect(after.stalledMs).toBe(5000);
    expect(after.changes).toEqual([]);
    expect(m.stateOf('node-2')).toBe('alive');
    expect(m.tick(5200 + 1000).changes).toMatchObject([{ peer: 'node-2', to: 'suspect' }]); // but silence after it counts
  });

  it('self is always alive and never transitions', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    expect(m.tick(100_000).changes).toEqual([]);
    expect(m.heard('node-1', 'a:1', 5, 'x')).toEqual([]);
    expect(m.list()).toMatchObject([{ id: 'node-1', state: 'alive', self: true }]);
  });
});

describe('member listing', () => {
  it('lists members in the order the election ranks them: node-2 before node-10', () => {
    const m = new Membership('node-1', '127.0.0.1:1', t, 0);
    for (const id of ['node-10', 'node-2', 'node-9']) m.heard(id, `127.0.0.1:${id.length}`, 0, 'heartbeat from it');
    expect(m.list().map((x) => x.id)).toEqual(['node-1', 'node-2', 'node-9', 'node-10']);
  });

  it('a member that leaves is dropped from the table and every ring, and its id is never learned again', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    m.heard('node-6', 'a:6', 0, 'x');
    const generation = m.generation;
    expect(m.retire('node-6', 'its announcement')).toEqual({ kind: 'left', peer: 'node-6', via: 'its announcement' });
    expect(m.generation).toBeGreaterThan(generation);
    expect(m.ids().sort()).toEqual(['node-1', 'node-2']);
    expect(m.routableIds().sort()).toEqual(['node-1', 'node-2']);
    // A member list or a heartbeat still in flight does not bring it back.
    expect(m.learn('node-6', 'a:6', 10, 'member list of node-2')).toBeUndefined();
    expect(m.heard('node-6', 'a:6', 10, 'heartbeat from it')).toEqual([]);
    expect(m.ids()).not.toContain('node-6');
    expect(m.retiredIds()).toEqual(['node-6']);
    expect(m.isRetired('node-6')).toBe(true);
  });

  it('retiring is said once, and a node never retires itself', () => {
    const m = new Membership('node-1', 'a:1', t, 0);
    m.heard('node-2', 'a:2', 0, 'x');
    expect(m.retire('node-2', 'left list of node-3')).toBeDefined();
    expect(m.retire('node-2', 'its announcement')).toBeUndefined();
    expect(m.retire('node-1', 'left list of node-3')).toBeUndefined();
    expect(m.ids()).toEqual(['node-1']);
    // A member it never knew is retired all the same: it must not be learned from a stale list later.
    expect(m.retire('node-9', 'left list of node-2')).toBeUndefined();
    expect(m.learn('node-9', 'a:9', 0, 'member list of node-2')).toBeUndefined();
    expect(m.retiredIds()).toEqual(['node-2', 'node-9']);
  });
});
