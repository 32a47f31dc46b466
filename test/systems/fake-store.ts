/**
 * A system under test that is not godist and starts no process: one in-memory register per key,
 * shared by every "node", whose reads can be told to answer stale. It speaks only through the seam
 * (systems/types.ts), so what the run's checks find is exactly what it was told to do.
 */
import type { Cluster, NodeState, SystemSettings, SystemUnderTest } from '../../harness/systems/types.js';

export interface FakeStore {
  system: SystemUnderTest;
  /** Reads that answered with an older value than the newest written (what the checks must find). */
  staleAnswers: number;
  /** The keys those reads were of. */
  staleKeys: Set<string>;
}

/** Every `staleEvery`-th read of a key that has been written twice or more answers the value before the newest (0: never). */
export function fakeStore(staleEvery: number): FakeStore {
  const values = new Map<string, unknown[]>();
  let reads = 0;
  const fake: FakeStore = {
    staleAnswers: 0,
    staleKeys: new Set(),
    system: {
      name: 'fake',
      summary: 'an in-memory register per key, told to answer stale now and then',
      options: [],
      settings: (raw): SystemSettings => ({ name: 'fake', ...raw }),
      flags: () => [],
      label: () => `stale-every-${staleEvery}`,
      describe: () => [['system', 'fake (in memory)']],
      parseSetting: () => ({}),
      settingSyntax: '(none)',
      ops: ['read', 'write'],
      faults: [],
      promises: () => ({}),
      async launch(ctx) {
        const states = new Map<string, NodeState>(ctx.ids.map((id) => [id, 'stopped']));
        const cluster: Cluster = {
          ids: ctx.ids,
          addresses: Object.fromEntries(ctx.ids.map((id) => [id, `memory:${id}`])),
          state: (id) => states.get(id) ?? 'stopped',
          async startAll() {
            for (const id of ctx.ids) states.set(id, 'running');
          },
          async start(id) {
            states.set(id, 'running');
          },
          async kill(id) {
            states.set(id, 'killed');
          },
          pause: (id) => states.set(id, 'paused'),
          resume: (id) => states.set(id, 'running'),
          async waitUntilReady() {},
          async stop() {
            for (const id of ctx.ids) states.set(id, 'stopped');
          },
        };
        return cluster;
      },
      client: () => ({
        async invoke(_addr, op) {
          const history = values.get(op.key) ?? [];
          if (op.f === 'write') {
            values.set(op.key, [...history, op.value]);
            return { type: 'ok' };
          }
          reads++;
          if (staleEvery > 0 && reads % staleEvery === 0 && history.length >= 2) {
            fake.staleAnswers++;
            fake.staleKeys.add(op.key);
            return { type: 'ok', value: history[history.length - 2] };
          }
          return { type: 'ok', value: history.length > 0 ? history[history.length - 1] : null };
        },
        close() {},
      }),
    },
  };
  return fake;
}
