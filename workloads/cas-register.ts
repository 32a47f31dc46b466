import { keysTouched, type Workload } from './workload.js';

/**
 * Jepsen's cas-register: reads, writes and compare-and-sets over a few keys, each key a register
 * checked for linearizability with the cas-register model. Every value written (by a write, or as a
 * cas's new value) is unique, so a read still shows which write it saw and the stale-read and
 * lost-write checks work as on `register`; a cas expects the value last issued on its key by any
 * worker (null before the first), so it swaps unless another op got there in between.
 */
export const casRegister: Workload = {
  name: 'cas-register',
  description: 'reads, writes and compare-and-sets [expected, new] of unique values over --keys registers (a third each), each key retired after --key-ops ops',
  ops: ['read', 'write', 'cas'],
  model: 'cas-register',
  generator({ random, key: nextKey, nextValue, shared }) {
    return () => {
      const key = nextKey();
      const dice = random.next();
      if (dice < 1 / 3) return { f: 'read', key, value: null };
      const value = nextValue();
      const last = shared.get(key) ?? null;
      shared.set(key, value);
      return dice < 2 / 3 ? { f: 'write', key, value } : { f: 'cas', key, value: [last, value] };
    };
  },
  finalKeys: keysTouched,
};
