/**
 * `godist check PATH`: checks a stored history for linearizability. PATH is a results folder (its
 * history.jsonl), a history.jsonl, a Jepsen EDN history or an old Jepsen log. Exit 0 linearizable,
 * 1 not, 2 bad input (UsageError, printed by cli.ts), 3 undecided.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { formatBytes, parseByteSize } from '../checker/byte-size.js';
import { checkOperationsParallel, defaultMemoryBudgetBytes, modelNames, toOperations, type CheckResult, type ModelName, type Operation, type TimeUnit } from '../checker/index.js';
import { readEdn } from '../history/read-edn.js';
import { readJepsenLog } from '../history/read-jepsen-log.js';
import { readJsonl } from '../history/read-jsonl.js';
import { readHistoryBytes } from '../history/read-file.js';
import { UsageError } from '../shared/usage-error.js';
import { withHelp } from './help.js';

export const formats = ['jsonl', 'edn', 'jepsen-log'] as const;
export type HistoryFormat = (typeof formats)[number];

export interface CheckArgs {
  path: string;
  format?: HistoryFormat;
  model?: ModelName;
  timeLimit: number;
  /** A size such as 512M or 2G; the checker's default when absent. */
  memoryBudget?: string;
  perKey: boolean;
  json: boolean;
  /** false (--no-versions): skip the version pass, search every key. */
  versions?: boolean;
  /** Worker threads for the keys the versions leave to the search. */
  threads: number;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <path>',
  describe: 'check a stored history for linearizability (a results folder, history.jsonl, Jepsen EDN or a Jepsen log)',
  builder: (y) =>
    withHelp(y, [
      ['godist check results/latest', "the newest run's history, for linearizability"],
      ['godist check history.jsonl --per-key --json', 'every key its own verdict, the whole result as JSON'],
      ['godist check etcd_002.log', 'an old Jepsen log, as Porcupine reads it'],
    ])
      .positional('path', { type: 'string', demandOption: true, describe: 'a results folder or a history file' })
      .option('format', { choices: formats, describe: 'the history format (guessed from the name and contents when absent)' })
      .option('model', { choices: modelNames, describe: 'the model (guessed from the ops when absent: kv for get/put/append, cas-register when there is a cas, else register)' })
      .option('time-limit', { type: 'number', default: 60, describe: 'seconds the search may take (per key with --per-key); 0 for no limit' })
      .option('memory-budget', { type: 'string', describe: `bytes the search may hold, e.g. 512M or 4G (default ${formatBytes(defaultMemoryBudgetBytes).replace(' ', '')}); a key that needs more is undecided` })
      .option('per-key', { type: 'boolean', default: false, describe: 'give every key a verdict instead of stopping at the first key that is not linearizable' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full result as JSON' })
      .option('versions', { type: 'boolean', default: true, describe: 'first try the order the versions in the history give, verified (--no-versions: search every key)' })
      .option('threads', { type: 'number', default: availableParallelism(), defaultDescription: "the machine's cores", describe: 'keys are independent: search up to this many side by side, each in a worker thread (1: one after another); the memory budget is shared between them' }) as never,
  async handler(argv) {
    if (!(Number.isInteger(argv.threads) && argv.threads >= 1)) throw new UsageError(`--threads ${argv.threads}: give a whole number of threads, 1 or more (1 searches the keys one after another)`);
    if (!(argv.timeLimit >= 0)) throw new UsageError(`--time-limit ${argv.timeLimit}: give a number of seconds, 0 for no limit`);
    const memoryBudgetBytes = argv.memoryBudget === undefined ? undefined : parseByteSize(argv.memoryBudget);
    if (argv.memoryBudget !== undefined && memoryBudgetBytes === undefined) {
      throw new UsageError(`--memory-budget ${argv.memoryBudget}: give a size such as 512M, 2G or 1.5G (K, M, G, T are powers of 1024)`);
    }
    const file = historyFile(argv.path);
    const loaded = loadHistory(file, argv.format);
    const model = argv.model ?? guessModel(loaded.ops);
    const result = await inFile(file, () =>
      checkOperationsParallel(loaded.ops, {
        model,
        timeLimitMs: argv.timeLimit * 1000,
        memoryBudgetBytes,
        perKey: argv.perKey,
        timeUnit: loaded.timeUnit,
        versions: argv.versions !== false,
        workers: argv.threads,
      }),
    );
    if (argv.json) process.stdout.write(`${JSON.stringify({ file, format: loaded.format, ...result }, null, 2)}\n`);
    else process.stdout.write(formatCheckSummary(file, loaded.format, result));
    process.exitCode = exitCodeOfCheck(result);
  },
};

export function exitCodeOfCheck(result: CheckResult): number {
  return result.valid === true ? 0 : result.valid === false ? 1 : 3;
}

/** A results folder means its history.jsonl. */
export function historyFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const inside = join(path, 'history.jsonl');
    if (!existsSync(inside)) throw new UsageError(`${path}: a folder without a history.jsonl (give a results folder or a history file)`);
    return inside;
  }
  return path;
}

export interface LoadedHistory {
  format: HistoryFormat;
  ops: Operation[];
  timeUnit: TimeUnit;
}

export function loadHistory(file: string, format?: HistoryFormat): LoadedHistory {
  const text = readHistoryBytes(file);
  const wrong = notAHistory(file, text);
  if (wrong) throw new UsageError(`${file}: ${wrong}`);
  const fmt = format ?? guessFormat(file, text);
  return inFile(file, () => parseHistory(text, fmt));
}

/** Runs `f`, naming the file in front of any UsageError it throws (the readers and the checker name only the line or op). */
function inFile<T>(file: string, f: () => T): T {
  try {
    const out = f();
    return out instanceof Promise ? (out.catch((err: unknown) => Promise.reject(named(file, err))) as T) : out;
  } catch (err) {
    throw named(file, err);
  }
}

function named(file: string, err: unknown): unknown {
  return err instanceof UsageError ? new UsageError(`${file}: ${err.message}`) : err;
}

/** Pure: a history (its text or its file's bytes) in a given format, as joined ops. */
export function parseHistory(text: string | Buffer, format: HistoryFormat): LoadedHistory {
  switch (format) {
    case 'jsonl': {
      const { history, lines } = readJsonl(text);
      return { format, ops: toOperations(history, { lines }), timeUnit: 'ns' };
    }
    case 'edn': {
      const { history, lines, timeUnit } = readEdn(whole(text, format));
      return { format, ops: toOperations(history, { lines }), timeUnit };
    }
    case 'jepsen-log':
      return { format, ops: readJepsenLog(whole(text, format)).ops, timeUnit: 'line' };
  }
}

/** The whole text, for the readers that need it as one string (EDN and Jepsen logs, written by Jepsen). */
function whole(text: string | Buffer, format: HistoryFormat): string {
  if (typeof text === 'string') return text;
  if (text.length > MAX_STRING) throw new UsageError(`too large to read as ${format} (${formatBytes(text.length)}; at most ${formatBytes(MAX_STRING)} in this format, history.jsonl has no such limit)`);
  return text.toString('utf8');
}

/** The longest string V8 holds, in UTF-16 units: a UTF-8 file of at most this many bytes always fits. */
const MAX_STRING = 0x1fffffe8;

/** The first part of a history, enough to tell its first significant line. */
function head(text: string | Buffer): string {
  return typeof text === 'string' ? text : text.toString('utf8', 0, Math.min(text.length, 1 << 20));
}

/** From the file's extension, else from its first significant line. */
export function guessFormat(file: string, text: string | Buffer): HistoryFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.json') return 'jsonl';
  if (ext === '.edn') return 'edn';
  if (text.includes('jepsen.util')) return 'jepsen-log';
  const first = head(text).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (first === '') return 'jsonl';
  if (/^\{\s*"/.test(first)) return 'jsonl';
  if (/^[[({;#]/.test(first)) return 'edn';
  throw new UsageError(`${file}: cannot tell the format from the name or the first line; give --format jsonl, edn or jepsen-log`);
}

/** What a file that is plainly not a history is, in one phrase; undefined when it may be one. */
export function notAHistory(file: string, text: string | Buffer): string | undefined {
  const ext = extname(file).toLowerCase();
  const give = 'give a results folder, a history.jsonl, a Jepsen EDN history or a Jepsen log';
  const kinds: Record<string, string> = { '.md': 'Markdown', '.markdown': 'Markdown', '.html': 'HTML', '.htm': 'HTML', '.pdf': 'PDF', '.png': 'PNG' };
  if (kinds[ext]) return `is a ${kinds[ext]} file, not a history: ${give}`;
  const first = head(text).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (/^#{1,6}\s/.test(first)) return `looks like Markdown (its first line is a heading), not a history: ${give}`;
  if (first.startsWith('{') && !first.endsWith('}')) {
    // One JSON document over many lines: a results folder's other files, never a history.
    let doc: unknown;
    try {
      doc = JSON.parse(whole(text, 'jsonl'));
    } catch {
      return undefined;
    }
    const keys = typeof doc === 'object' && doc !== null ? Object.keys(doc) : [];
    const what = keys.includes('checks') && keys.includes('valid')
      ? "a results.json (a run's verdicts)"
      : keys.includes('settings') && keys.includes('tool')
        ? "a run.json (a run's settings)"
        : keys.includes('rows')
          ? "a compare.json (a comparison's rows)"
          : 'one JSON document';
    return `is ${what}, not a history (history.jsonl holds one op a line): give the run's folder or its history.jsonl`;
  }
  return undefined;
}

export function guessModel(ops: readonly Operation[]): ModelName {
  if (ops.some((op) => op.f === 'get' || op.f === 'put' || op.f === 'append')) return 'kv';
  if (ops.some((op) => op.f === 'cas')) return 'cas-register';
  return 'register';
}

/** The human summary: a line per key worth reading (every key when there are few), then the verdict. */
export function formatCheckSummary(file: string, format: HistoryFormat, result: CheckResult & { workers?: number }): string {
  const out: string[] = [];
  const parts = result.partitions;
  const keyed = parts.length > 0 && parts[0]!.key !== null && !(parts.length === 1 && parts[0]!.key === '');
  const took = result.elapsedMs < 1000 ? `${Math.round(result.elapsedMs)} ms` : `${(result.elapsedMs / 1000).toFixed(2)} s`;
  out.push(
    `${file} (${format}): ${result.opCount} ops${keyed ? ` on ${parts.length} key${parts.length === 1 ? '' : 's'}` : ''}, model ${result.model}, checked in ${took}${(result.workers ?? 0) > 1 ? ` (${result.workers} threads)` : ''}`,
  );
  const label = (key: string | null) => (keyed ? `key ${key}` : 'history');
  const t = (v: number | null) => (v === null ? 'never' : result.timeUnit === 'line' ? `line ${v}` : `${(v / 1e9).toFixed(3)} s`);
  const few = parts.length <= 20;
  const okKeys: string[] = [];
  const unchecked: string[] = [];
  for (const p of parts) {
    if (p.valid === true) {
      if (few) out.push(`  ${label(p.key)}: ok (${p.opCount} ops${p.decidedBy === 'versions' ? ', by versions' : ''})`);
      else okKeys.push(String(p.key));
    } else if (p.valid === false) {
      const f = p.failure!;
      out.push(`  ${label(p.key)}: NOT LINEARIZABLE (${p.opCount} ops)`);
      out.push(`    ${f.explanation}`);
      if (f.fact) {
        out.push(`    a fact that proves it on its own (${f.fact.name}, ops ${f.fact.ops.join(', ')}), found before any search`);
        continue;
      }
      out.push(`    longest order that fits: ${f.longest.length} ops, leaving ${f.stateAfter}; could not come next:`);
      for (const op of f.couldNotPlace.slice(0, 5)) {
        out.push(`      op ${op.id} (process ${op.process}): ${op.description}, called ${t(op.call)}, returned ${t(op.return)}`);
      }
      if (f.couldNotPlace.length > 5) out.push(`      … and ${f.couldNotPlace.length - 5} more (--json lists them all)`);
    } else if (p.unknownReason === 'not-checked') {
      unchecked.push(String(p.key));
    } else {
      const raise = p.unknownReason === 'memory-budget' ? '--memory-budget' : '--time-limit';
      out.push(`  ${label(p.key)}: unknown, ${p.unknownMessage ?? 'undecided'} (${p.opCount} ops; raise ${raise})`);
    }
  }
  const list = (keys: string[]) => (keys.length <= 12 ? keys.join(', ') : `${keys.slice(0, 12).join(', ')}, …`);
  if (okKeys.length > 0) out.push(`  ${okKeys.length} key${okKeys.length === 1 ? '' : 's'} ok: ${list(okKeys)}`);
  if (unchecked.length > 0) {
    out.push(
      `  ${unchecked.length} key${unchecked.length === 1 ? '' : 's'} not checked to the end (${list(unchecked)}): checking stops at the first key that is not linearizable; --per-key checks every key`,
    );
  }
  const byVersions = parts.filter((p) => p.decidedBy === 'versions').length;
  if (byVersions > 0) {
    const bySearch = parts.filter((p) => p.decidedBy === 'search').length;
    const open = parts.length - byVersions - bySearch;
    out.push(`  decided by versions: ${byVersions} key${byVersions === 1 ? '' : 's'}; by the search: ${bySearch}${open > 0 ? `; undecided: ${open}` : ''}`);
  }
  const verdict = result.valid === true ? 'linearizable' : result.valid === false ? 'NOT linearizable' : 'unknown (the checker could not decide; this is not a pass)';
  out.push(`verdict: ${verdict}`);
  return `${out.join('\n')}\n`;
}
