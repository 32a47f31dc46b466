/**
 * Checking the keys of a history in worker threads: keys are independent, so each thread searches
 * its share of them, side by side (or one by one with `perKey`), exactly as `checkOperations`
 * does in one thread, and the verdicts are the same. The edge of the library: threads and a
 * shared stop flag here, the search itself in check.ts and search.ts, unchanged.
 *
 * - Keys go to threads by size (largest first, to the thread with the fewest ops so far).
 * - The memory budget is split evenly: each thread's keys share budget / threads.
 * - The time limit is the same as in one thread: one deadline for the whole check, or one per
 *   key with `perKey`. Threads read their own clock (`options.now` is read for `elapsedMs`
 *   only).
 * - Without `perKey`, a thread that finds a key not linearizable stops the others: their keys
 *   not yet decided are 'not-checked', as in one thread.
 *
 * The threads run the compiled check-worker.js beside this module. From TypeScript sources (as
 * under vitest) there is none: then the check runs in the calling thread, and the result says so
 * (`workers: 0`). A model that is not one of the built-in ones (its functions cannot be sent to a
 * thread) is checked in the calling thread too.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HistoryOp } from '../history/op.js';
import { assemble, resolveModel, searchParts, settle, splitIntoParts, versionPass, type CheckOptions } from './check.js';
import { mergeVersionPass } from './version-pass.js';
import type { Model } from './model.js';
import { models, type ModelName } from './models/index.js';
import { toColumns, type OpColumns } from './op-columns.js';
import { toOperations, type Operation } from './operation.js';
import type { CheckResult, PartitionResult, TimeUnit } from './result.js';
import { v8Heap } from './v8-heap.js';

export interface ParallelOptions extends CheckOptions {
  /** Threads to search in: the machine's cores by default; never more than there are keys. */
  workers?: number;
}

export interface ParallelCheckResult extends CheckResult {
  /** Worker threads that searched; 0 when the search ran in the calling thread. */
  workers: number;
}

/** What a worker is sent: its keys and the settings, with a clock it can read itself. */
export interface WorkerTask {
  model: ModelName;
  parts: { key: string | null; ops: OpColumns }[];
  perKey: boolean;
  timeLimitMs: number;
  /** Epoch milliseconds (performance.timeOrigin + performance.now()), or Infinity. */
  deadline: number;
  budget: number;
  threads: number;
  timeUnit: TimeUnit;
  /** Int32Array over it: [0] is 1 once a key was found not linearizable. */
  stop: SharedArrayBuffer;
}

const workerFile = fileURLToPath(new URL('./check-worker.js', import.meta.url));

export const epochNow = () => performance.timeOrigin + performance.now();

/** Checks a history of invoke/ok/fail/info records, its keys in worker threads. */
export function checkParallel(history: readonly HistoryOp[], options: ParallelOptions = {}): Promise<ParallelCheckResult> {
  return checkOperationsParallel(toOperations(history), options);
}

/** Checks ops whose invocations and completions are joined, their keys in worker threads. */
export async function checkOperationsParallel(input: readonly Operation[], options: ParallelOptions = {}): Promise<ParallelCheckResult> {
  const model = resolveModel(options.model);
  const settings = settle({ ...options, now: options.now ?? (() => performance.now()), heap: options.heap ?? v8Heap });
  const started = settings.now();
  const all = splitIntoParts(input, model);
  const pass = versionPass(model, all, settings);
  const parts = pass.toSearch;
  const name = builtInName(model);
  const live = parts.filter((p) => p.ops.length > 0);
  const threads = Math.min(Math.max(1, Math.floor(options.workers ?? availableParallelism())), live.length);
  if (threads < 2 || name === undefined || !existsSync(workerFile)) {
    const deadline = settings.timeLimitMs > 0 ? started + settings.timeLimitMs : Infinity;
    const partitions = searchParts(parts, model, { ...settings, deadline });
    return { ...assemble(model, all, mergeVersionPass(all, pass.byVersions, partitions), settings.timeUnit, settings.now() - started), workers: 0 };
  }

  // Largest first, each to the thread with the fewest ops so far.
  const order = parts.map((_, i) => i).sort((a, b) => parts[b]!.ops.length - parts[a]!.ops.length);
  const shares: number[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (const i of order) {
    const t = load.indexOf(Math.min(...load));
    shares[t]!.push(i);
    load[t]! += parts[i]!.ops.length;
  }
  for (const share of shares) share.sort((a, b) => a - b); // each thread takes its keys in key order
  const stop = new SharedArrayBuffer(4);
  const deadline = settings.timeLimitMs > 0 ? epochNow() - (settings.now() - started) + settings.timeLimitMs : Infinity;
  const results = await Promise.all(
    shares.map((share) =>
      runWorker({
        model: name,
        parts: share.map((i) => ({ key: parts[i]!.key, ops: toColumns(parts[i]!.ops) })),
        perKey: settings.perKey,
        timeLimitMs: settings.timeLimitMs,
        deadline,
        budget: Math.floor(settings.budget / threads),
        threads,
        timeUnit: settings.timeUnit,
        stop,
      }),
    ),
  );
  const partitions = new Array<PartitionResult>(parts.length);
  shares.forEach((share, t) => share.forEach((i, k) => (partitions[i] = results[t]![k]!)));
  return { ...assemble(model, all, mergeVersionPass(all, pass.byVersions, partitions), settings.timeUnit, settings.now() - started), workers: threads };
}

function builtInName(model: Model): ModelName | undefined {
  return (Object.keys(models) as ModelName[]).find((n) => models[n] === model);
}

function runWorker(task: WorkerTask): Promise<PartitionResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile);
    let settled = false;
    worker.once('message', (partitions: PartitionResult[]) => {
      settled = true;
      resolve(partitions);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`checker worker exited with code ${code} before answering`));
    });
    worker.postMessage(task);
  });
}
