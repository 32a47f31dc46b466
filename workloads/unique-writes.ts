import { keysTouched, type Workload } from './workload.js';

/**
 * Every write goes to a fresh key and nothing reads it until the end: no read repair can rescue a
 * write that only one replica holds, so the final reads show exactly which acknowledged writes
 * the cluster lost.
 */
export const uniqueWrites: Workload = {
  name: 'unique-writes',
  description: 'every write to a fresh key, each read back only by the final reads (finds lost writes)',
  ops: ['write', 'read'],
  model: 'register',
  generator({ nextValue }) {
    return () => {
      const value = nextValue();
      return { f: 'write', key: `u${value}`, value };
    };
  },
  finalKeys: keysTouched,
};
