import { describe, expect, it } from 'vitest';
import { compareSettings } from '../../../harness/run/compare-settings.js';
import { resolveSettings } from '../../../harness/run/run-settings.js';
import { UsageError } from '../../../harness/shared/usage-error.js';
import { etcd } from '../../../harness/systems/etcd/index.js';
import { etcdVersion } from '../../../harness/systems/etcd/invoke.js';
import type { EtcdRunSettings } from '../../../harness/systems/etcd/settings.js';

const settings = (raw: Record<string, unknown> = {}) => etcd.settings(raw, resolveSettings({}));

describe('etcd through the seam', () => {
  it('compare entries name etcd and its read mode beside godist settings, on the same harness settings', () => {
    const base = resolveSettings({ nodes: 3, nemesis: ['partition'], seed: 4 });
    const plan = compareSettings(base, 'etcd:linearizable,etcd:serializable/pre-vote,3/2/2/strict/sync/durable');
    expect(plan.map((p) => [p.settings.system.name, p.settings.system['reads'] ?? p.settings.system['quorum'], p.settings.seed, p.settings.nodes])).toEqual([
      ['etcd', 'linearizable', 4, 3],
      ['etcd', 'serializable', 4, 3],
      ['godist', 'strict', 4, 3],
    ]);
    expect(plan[1]!.settings.system['preVote']).toBe(true);
    expect(() => compareSettings(base, 'etcd:eventual')).toThrow(UsageError);
    expect(() => compareSettings(base, 'etcd:eventual')).toThrow('--settings entry "etcd:eventual": "eventual" is not a read mode (use linearizable or serializable)');
  });

  it('labels name the system and its read mode, and what differs from the defaults', () => {
    expect(etcd.label(settings())).toBe('etcd-linearizable');
    expect(etcd.label(settings({ reads: 'serializable', preVote: true, heartbeatMs: 20, electionMs: 200 }))).toBe('etcd-serializable-prevote-hb20-el200');
  });

  it('linearizable reads promise linearizability, fresh reads and no lost writes; serializable reads only no lost writes, saying why per fault', () => {
    const h = (nemesis: string[]) => resolveSettings({ nemesis });
    const lin = etcd.promises(settings(), h(['kill', 'pause', 'partition']));
    for (const c of ['linearizable', 'stale-reads', 'lost-writes', 'election'] as const) expect(lin[c]?.promised, c).toBe(true);
    expect(lin['failure-detector']).toBeUndefined();
    const ser = (nemesis: string[]) => etcd.promises(settings({ reads: 'serializable' }), h(nemesis));
    expect(ser(['partition'])['stale-reads']).toMatchObject({ promised: false });
    expect(ser(['partition'])['lost-writes']?.promised).toBe(true);
    expect(ser(['partition'])['stale-reads']!.reason).toMatch(/cut off from the leader by a partition/);
    expect(ser(['partition'])['stale-reads']!.reason).not.toMatch(/paused/);
    expect(ser(['pause'])['stale-reads']!.reason).toMatch(/a paused member answers the reads queued while it was stopped/);
    expect(ser([])['stale-reads']!.reason).toMatch(/even without faults it can trail an acknowledged write/);
  });

  it("an op's version is the key's mod_revision its trace carries", () => {
    expect(etcdVersion({ memberId: '1', revision: 9, modRevision: 7, raftTerm: 2 })).toBe(7);
    expect(etcdVersion({ memberId: '1', revision: 9, modRevision: null, raftTerm: 2 })).toBeUndefined();
  });

  it('settings from a run.json come back the same', () => {
    const s = settings({ reads: 'serializable', electionMs: 1000 });
    expect(etcd.settings({ ...s } as EtcdRunSettings, resolveSettings({}))).toEqual(s);
  });
});
