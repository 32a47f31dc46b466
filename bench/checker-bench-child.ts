/**
 * One check in a fresh process, for bench:checker (`node dist/bench/checker-bench-child.js FILE
 * [--workers N] [--time-limit S] [--memory-budget SIZE] [--per-key]`): reads a history.jsonl as
 * `godist check` does, checks it, and prints one JSON line: the verdict, the check's own time
 * (reading and parsing excluded, as in Porcupine's figures), the whole process's time, and its
 * peak resident memory (getrusage maxRSS: everything the process held, parsed history included).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkOperations, checkOperationsParallel, parseByteSize, toOperations } from '../harness/checker/index.js';
import { readJsonl } from '../harness/history/read-jsonl.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '0' },
    'time-limit': { type: 'string', default: '0' },
    'memory-budget': { type: 'string' },
    'per-key': { type: 'boolean', default: false },
  },
});

const { history, lines } = readJsonl(readFileSync(positionals[0]!));
const ops = toOperations(history, { lines });
const options = {
  timeLimitMs: Number(opts['time-limit']) * 1000,
  perKey: opts['per-key'],
  ...(opts['memory-budget'] ? { memoryBudgetBytes: parseByteSize(opts['memory-budget'])! } : {}),
};
const workers = Number(opts.workers);
const started = performance.now();
const result = workers > 0 ? await checkOperationsParallel(ops, { ...options, workers }) : checkOperations(ops, options);
const checkMs = performance.now() - started;
const undecided = result.partitions.filter((p) => p.valid === 'unknown');
process.stdout.write(
  `${JSON.stringify({
    valid: result.valid,
    ops: result.opCount,
    keys: result.partitions.length,
    checkMs: Number(checkMs.toFixed(1)),
    elapsedMs: Number(result.elapsedMs.toFixed(1)),
    processMs: Number(performance.now().toFixed(1)),
    maxRssKB: process.resourceUsage().maxRSS,
    configurations: result.partitions.reduce((sum, p) => sum + p.configurations, 0),
    peakSearchBytes: Math.max(0, ...result.partitions.map((p) => p.peakBytes)),
    workers: 'workers' in result ? result.workers : 0,
    undecided: undecided.map((p) => ({ key: p.key, reason: p.unknownReason })),
  })}\n`,
);
