/**
 * A worker thread of checkParallel (parallel.ts): searches the keys it is sent, as one thread
 * would, and answers their results. Nothing of its own: the search is check.ts's.
 */
import { parentPort } from 'node:worker_threads';
import { searchParts } from './check.js';
import { models } from './models/index.js';
import { fromColumns } from './op-columns.js';
import { epochNow, type WorkerTask } from './parallel.js';
import { v8Heap } from './v8-heap.js';

parentPort!.once('message', (task: WorkerTask) => {
  const flag = new Int32Array(task.stop);
  const partitions = searchParts(
    task.parts.map((p) => ({ key: p.key, ops: fromColumns(p.ops) })),
    models[task.model],
    { now: epochNow, timeLimitMs: task.timeLimitMs, perKey: task.perKey, budget: task.budget, threads: task.threads, timeUnit: task.timeUnit, deadline: task.deadline, heap: v8Heap, versions: false },
    { stopped: () => Atomics.load(flag, 0) === 1, stop: () => Atomics.store(flag, 0, 1) },
  );
  parentPort!.postMessage(partitions);
});
