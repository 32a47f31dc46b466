import { keysTouched, type Workload } from './workload.js';

/**
 * Reads and writes of unique values over a few keys: each key is a register, so the history is
 * checked for linearizability per key, and a read of an old value stands out as a stale read.
 */
export const register: Workload = {
  name: 'register',
  description: 'reads and writes of unique values over --keys registers (half reads, half writes), each key retired after --key-ops ops',
  ops: ['read', 'write'],
  model: 'register',
  generator({ random, key: nextKey, nextValue }) {
    return () => {
      const key = nextKey();
      return random.next() < 0.5 ? { f: 'read', key, value: null } : { f: 'write', key, value: nextValue() };
    };
  },
  finalKeys: keysTouched,
};
