import { describe, expect, it } from 'vitest';
import { reproduceCommand, resolveSettings } from '../../harness/run/run-settings.js';
import { parseFaultList } from '../../harness/run/settings.js';
import { godistPromises } from '../../harness/systems/godist/promises.js';
import type { GodistSettings } from '../../harness/systems/godist/settings.js';

/** What godist promises at these (flat) settings. */
function promisesOf(flat: Record<string, unknown>) {
  const s = resolveSettings(flat);
  return godistPromises(s.system as GodistSettings, s);
}

/** The one line a user sees for these settings, or '' when they can run. */
function problem(flat: Record<string, unknown>): string {
  try {
    resolveSettings(flat);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('settings', () => {
  it('the defaults can run', () => {
    expect(problem({})).toBe('');
  });

  it.each([
    [{ R: 4, N: 3 }, 'R=4 exceeds N=3'],
    [{ W: 5, N: 3 }, 'W=5 exceeds N=3'],
    [{ N: 6, nodes: 5 }, 'N=6 exceeds --nodes=5'],
    [{ workload: 'bank' }, 'unknown workload "bank"'],
    [{ nemesis: ['meteor'] as never }, 'unknown fault "meteor"'],
    [{ R: 0 }, '-R=0 must be a whole number ≥ 1'],
    [{ nodes: Number.NaN }, '--nodes (not a number) must be a whole number ≥ 1'],
    [{ system: 'etcetera' }, 'unknown system "etcetera" for --system (known: godist, command'],
    [{ system: 'command' }, '--system command needs the command that starts one node'],
    [{ system: 'command', nodeCommand: 'my-node --port {port} --peer {peers} --x {y}' }, 'unknown placeholder {y}'],
    [{ nodes: 5, maxNodes: 4 }, '--max-nodes=4 is below --nodes=5'],
    [{ nodes: 3, maxNodes: 3, nemesis: ['membership'] }, '--nemesis membership needs --max-nodes above --nodes=3'],
    [{ system: 'command', nodeCommand: 'my-node --port {port} --peer {peers}', nemesis: ['membership'] }, '--system command cannot be given the fault "membership"'],
  ])('rejects %o with one line naming the value', (patch, message) => {
    expect(problem(patch)).toContain(message);
  });

  it('--max-nodes is --nodes + 2 unless given, and a command line repeats it only when given otherwise', () => {
    expect(resolveSettings({ nodes: 3 }).maxNodes).toBe(5);
    expect(resolveSettings({ nodes: 3, maxNodes: 4 }).maxNodes).toBe(4);
    expect(reproduceCommand(resolveSettings({ nodes: 3, nemesis: ['membership'] }))).not.toContain('--max-nodes');
    expect(reproduceCommand(resolveSettings({ nodes: 3, maxNodes: 6, nemesis: ['membership'] }))).toContain('--max-nodes 6');
  });

  it('reads fault lists, none meaning no faults', () => {
    expect(parseFaultList('kill, partition,kill')).toEqual(['kill', 'partition']);
    expect(parseFaultList('none')).toEqual([]);
  });
});

describe('what the settings promise', () => {
  it('R + W ≤ N promises no fresh reads', () => {
    const p = promisesOf(({ N: 3, R: 1, W: 1, quorum: 'strict', readRepair: 'sync' }));
    expect(p['stale-reads'].promised).toBe(false);
    expect(p.linearizable.promised).toBe(false);
    expect(p['stale-reads'].reason).toContain('R + W = 2 ≤ N = 3');
  });

  it('strict + sync + R + W > N promises linearizability under pauses and partitions', () => {
    const p = promisesOf(({ quorum: 'strict', readRepair: 'sync', nemesis: ['pause', 'partition'] }));
    expect(p.linearizable.promised).toBe(true);
    expect(p['lost-writes'].promised).toBe(true);
  });

  it('under kills only durable nodes keep the promise', () => {
    const base = { quorum: 'strict', readRepair: 'sync', nemesis: ['kill'] } as const;
    expect(promisesOf(({ ...base, nemesis: ['kill'], durable: false })).linearizable.promised).toBe(false);
    expect(promisesOf(({ ...base, nemesis: ['kill'], durable: true })).linearizable.promised).toBe(true);
  });

  it("the seed's defaults promise nothing, even with R + W > N", () => {
    const p = promisesOf({});
    expect([p.linearizable, p['stale-reads'], p['lost-writes']].map((x) => x.promised)).toEqual([false, false, false]);
  });

  it('strict with asynchronous repair promises fresh reads but not linearizability', () => {
    const p = promisesOf(({ quorum: 'strict', readRepair: 'async', nemesis: ['partition'] }));
    expect(p['stale-reads'].promised).toBe(true);
    expect(p.linearizable.promised).toBe(false);
    expect(p.linearizable.reason).toContain('new-old inversion');
  });

  it('membership changes promise no fresh reads and no linearizability on any settings: nothing is handed over', () => {
    const p = promisesOf({ quorum: 'strict', readRepair: 'sync', durable: true, nemesis: ['membership'] });
    expect([p.linearizable, p['stale-reads'], p['lost-writes']].map((x) => x.promised)).toEqual([false, false, false]);
    expect(p['stale-reads'].reason).toContain('no hand-off');
    expect(p.election.reason).toContain('a node that joins ranking above the leader takes over');
    expect(promisesOf({ quorum: 'strict', readRepair: 'sync', durable: true, nemesis: ['kill'] }).linearizable.promised).toBe(true);
  });
});
