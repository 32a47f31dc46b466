/** The JavaScript heap's use and limit, from V8: the edge's answer to CheckOptions.heap. */
import { getHeapStatistics } from 'node:v8';

export function v8Heap(): { usedBytes: number; limitBytes: number } {
  const h = getHeapStatistics();
  return { usedBytes: h.used_heap_size, limitBytes: h.heap_size_limit };
}
