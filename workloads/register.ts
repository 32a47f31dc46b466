import { keysTouched, type Workload } from './workload.js';

/**
 * Reads and writes of unique values over a few keys: each key is a register, so the history is
 * checked for linearizability per key, and a read of an old value stands out as a stale read.
 */
export const register: Workload = {
  name: 'register',
  description: 'reads and writes of unique values over --keys registers (half reads, half writes)',
  ops: ['read', 'write'],
  model: 'register',
  generator({ random, keys, nextValue }) {
    return () => {
      const key = `k${random.int(keys)}`;
      return random.next() < 0.5 ? { f: 'read', key, value: null } : { f: 'write', key, value: nextValue() };
    };
  },
  finalKeys: keysTouched,
};
